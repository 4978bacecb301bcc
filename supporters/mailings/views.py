"""Admin views of a mailing (HTTP only: every write goes through services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from wagtail.admin.views import generic

from supporters.services import supporter_get_by_email

from . import selectors, sending, services
from .compose import mailing_compiled, mailing_problems, recipient_values
from .forms import LOCKED_MESSAGE, MailingLocked, ScheduleForm
from .models import Mailing

SEND_PERMISSION = "mailings.send_mailing"


def status_url(mailing) -> str:
    return reverse("mailings:status", args=[mailing.pk])


def _mailing(request, pk: int, *, send: bool = False) -> Mailing:
    user = request.user
    if not user.has_perm("mailings.change_mailing"):
        raise PermissionDenied
    if send and not user.has_perm(SEND_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(Mailing, pk=pk)


class MailingEditView(generic.EditView):
    """The editor, refused once a mailing is sending (what is being sent
    cannot change half-way) and safe against a send click in between."""

    def dispatch(self, request, *args, **kwargs):
        mailing = Mailing.objects.filter(pk=kwargs.get("pk")).first()
        if mailing is not None and not mailing.is_editable:
            messages.warning(
                request,
                f"This mailing is {mailing.get_status_display().lower()}, so it "
                "can no longer be edited.",
            )
            return redirect(status_url(mailing))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        return self.form.save()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except MailingLocked:
            messages.error(self.request, LOCKED_MESSAGE)
            return redirect(status_url(self.object))

    def get_success_url(self):
        return status_url(self.object)


class MailingCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        self.form.save_m2m()
        return instance

    def get_success_url(self):
        return status_url(self.object)


def status(request, pk: int):
    mailing = _mailing(request, pk)
    count, audience_error = selectors.audience_count_or_error(mailing=mailing)
    context = {
        "mailing": mailing,
        "problems": mailing_problems(mailing=mailing) if mailing.is_editable else [],
        "audience_count": count,
        "audience_error": audience_error,
        "progress": selectors.mailing_progress(mailing=mailing),
        "schedule_form": ScheduleForm(),
        "can_send": request.user.has_perm(SEND_PERMISSION),
    }
    return TemplateResponse(request, "mailings/status.html", context)


def progress(request, pk: int):
    mailing = _mailing(request, pk)
    return JsonResponse(selectors.mailing_progress(mailing=mailing))


def preview(request, pk: int):
    mailing = _mailing(request, pk)
    problems = mailing_problems(mailing=mailing) if mailing.is_editable else []
    text = ""
    if not problems:
        _subject, _html, text = _personalised(request, mailing)
    context = {"mailing": mailing, "problems": problems, "text": text}
    return TemplateResponse(request, "mailings/preview.html", context)


def _personalised(request, mailing):
    user = request.user
    supporter = supporter_get_by_email(user.email) if user.email else None
    values = recipient_values(
        supporter_id=supporter.pk if supporter else 0,
        first_name=user.first_name,
        last_name=user.last_name,
    )
    return mailing_compiled(mailing=mailing).personalise(values)


@xframe_options_sameorigin
def preview_html(request, pk: int):
    mailing = _mailing(request, pk)
    if mailing.is_editable and mailing_problems(mailing=mailing):
        return HttpResponse("Fix the problems listed to see the preview.")
    _subject, html, _text = _personalised(request, mailing)
    return HttpResponse(html)


def _act(request, pk, action, success: str):
    mailing = _mailing(request, pk, send=True)
    try:
        action(mailing)
    except services.MailingError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(status_url(mailing))


@require_POST
def send(request, pk: int):
    return _act(
        request,
        pk,
        lambda m: services.mailing_send(mailing=m),
        "Sending has started. You can leave this page: it carries on without you.",
    )


@require_POST
def send_test(request, pk: int):
    mailing = _mailing(request, pk)
    try:
        services.mailing_send_test(mailing=mailing, user=request.user)
    except services.MailingError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"A test is on its way to {request.user.email}.")
    return redirect(status_url(mailing))


@require_POST
def schedule(request, pk: int):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        mailing = _mailing(request, pk, send=True)
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(status_url(mailing))
    when = form.cleaned_data["when"]
    return _act(
        request,
        pk,
        lambda m: services.mailing_schedule(mailing=m, when=when),
        "Scheduled.",
    )


@require_POST
def pause(request, pk: int):
    return _act(request, pk, lambda m: services.mailing_pause(mailing=m), "Paused.")


@require_POST
def resume(request, pk: int):
    return _act(request, pk, lambda m: services.mailing_resume(mailing=m), "Resumed.")


@require_POST
def cancel(request, pk: int):
    return _act(request, pk, lambda m: services.mailing_cancel(mailing=m), "Cancelled.")


@require_POST
def retry(request, pk: int):
    return _act(
        request,
        pk,
        lambda m: services.mailing_retry(mailing=m),
        "Started again. Nobody who already has it will get it twice.",
    )


@require_POST
def resend_uncertain(request, pk: int):
    def action(mailing):
        count = sending.mailing_uncertain_resend(mailing_id=mailing.pk)
        if not count:
            raise services.MailingError("There are no uncertain deliveries to resend.")
        mailing.refresh_from_db()
        if mailing.status == Mailing.Status.SENDING:
            services.mailing_kick(mailing=mailing)

    return _act(request, pk, action, "The uncertain deliveries are queued again.")


def create_from_page(request, page_id: int):
    """ "Send this update by email": confirm, then a draft mailing from the
    page's published content (title as subject, standfirst as preheader).
    Works on any page with a ``body`` StreamField; campaign adds the button."""
    from wagtail.models import Page

    if not request.user.has_perm("mailings.add_mailing"):
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.live:
        messages.error(request, "Publish the page first: mailings send what is live.")
        return redirect("wagtailadmin_pages:edit", page.pk)
    if request.method != "POST":
        return TemplateResponse(request, "mailings/from_page.html", {"page": page})
    try:
        mailing = services.mailing_create_from_content(
            subject=page.title,
            preheader=getattr(page, "standfirst", "") or "",
            body_blocks=getattr(page, "body", None),
            source_page_id=page.pk,
            created_by=request.user,
        )
    except services.MailingError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("wagtailadmin_pages:edit", page.pk)
    messages.success(
        request,
        "A draft mailing was made from the page: choose who gets it, then send.",
    )
    return redirect(status_url(mailing))
