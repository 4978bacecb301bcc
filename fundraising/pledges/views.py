"""Public pledge pages (HTTP only): make, confirm, manage, give now."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fundraising import gateway
from fundraising.models import Appeal
from fundraising.services.checkout import CheckoutUnavailable
from supporters.antispam import rate_limited
from supporters.tokens import TokenError

from . import links, services
from .checkout import pledge_checkout_open
from .forms import PledgeForm, RescheduleForm
from .milestones import milestones_for
from .models import Pledge


def _problem(request, message: str, *, status: int = 400):
    return render(request, "pledges/problem.html", {"message": message}, status=status)


def _pledge_from(token: str, purpose: str) -> Pledge | None:
    pledge_id = links.pledge_id_from_token(token, purpose)
    return Pledge.objects.select_related("appeal").filter(pk=pledge_id).first()


def pledge_form_create(request, form: PledgeForm) -> bool:
    """Make the pledge from a valid form; False (errors on the form) if the
    service refuses it."""
    choice = form.cleaned_data["choice"]
    try:
        services.pledge_create(
            appeal=form.appeal,
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            amount_pence=form.cleaned_data["amount"],
            when=choice.when,
            today=form.today,
            due_date=choice.due_date,
            payday=choice.payday or None,
            milestone_key=choice.milestone_key,
            milestones=form.milestones,
            source=f"pledge form {request.path}"[:200],
            updates=form.cleaned_data.get("updates", False),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            form._add_errors(error)
        else:
            form.add_error(None, error.messages)
        return False
    return True


@require_http_methods(["GET", "POST"])
@rate_limited(
    "pledge",
    limit=getattr(settings, "SIGNUP_RATE_LIMIT", 5),
    window=getattr(settings, "SIGNUP_RATE_WINDOW_SECONDS", 600),
)
def pledge_page(request, slug: str):
    appeal = get_object_or_404(Appeal, slug=slug)
    if request.method == "POST" and appeal.is_open:
        form = PledgeForm(request.POST, appeal=appeal)
        if form.is_valid() and pledge_form_create(request, form):
            return redirect("pledges:sent", slug=appeal.slug)
    else:
        form = PledgeForm(appeal=appeal, milestones=milestones_for(appeal))
    status = 400 if form.is_bound else 200
    return render(
        request,
        "pledges/pledge_page.html",
        {"appeal": appeal, "form": form},
        status=status,
    )


@require_GET
def pledge_sent(request, slug: str):
    appeal = get_object_or_404(Appeal, slug=slug)
    return render(request, "pledges/check_email.html", {"appeal": appeal})


@require_http_methods(["GET", "POST"])
def pledge_confirm(request, token: str):
    """GET shows a button; POST confirms. Link scanners in mail systems
    follow GET links, so a GET alone must not count as the person's yes."""
    try:
        pledge = _pledge_from(token, links.CONFIRM)
    except TokenError as error:
        return _problem(request, error.message)
    if pledge is None:
        return _problem(request, "We couldn't find this pledge.", status=404)
    if request.method == "POST":
        try:
            pledge = services.pledge_confirm(pledge_id=pledge.pk)
        except services.PledgeStateError as error:
            return _problem(request, error.message, status=409)
        return render(
            request,
            "pledges/confirmed.html",
            {"pledge": pledge, "manage_url": links.pledge_url(links.MANAGE, pledge.pk)},
        )
    return render(request, "pledges/confirm.html", {"pledge": pledge})


@require_http_methods(["GET", "POST"])
def pledge_manage(request, token: str):
    try:
        pledge = _pledge_from(token, links.MANAGE)
    except TokenError as error:
        return _problem(request, error.message)
    if pledge is None or pledge.anonymised_at:
        return _problem(request, "We couldn't find this pledge.", status=404)
    form = RescheduleForm()
    notice, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                pledge = services.pledge_cancel(pledge_id=pledge.pk)
                notice = "Your pledge is cancelled. We won't remind you about it."
            elif action == "reschedule":
                form = RescheduleForm(request.POST)
                if form.is_valid():
                    choice = form.cleaned_data["choice"]
                    pledge = services.pledge_reschedule(
                        pledge_id=pledge.pk,
                        when=choice.when,
                        due_date=choice.due_date,
                        payday=choice.payday or None,
                    )
                    notice = f"Done: your pledge is now due on {pledge.when_display}."
                    form = RescheduleForm()
                else:
                    status = 400
            else:
                notice, status = "Please choose what you'd like to do.", 400
        except services.PledgeStateError as error:
            pledge.refresh_from_db()
            notice, status = error.message, 409
    payable = pledge.status == Pledge.Status.CONFIRMED and gateway.is_configured()
    return render(
        request,
        "pledges/manage.html",
        {
            "pledge": pledge,
            "form": form,
            "notice": notice,
            "token": token,
            # Paying early: the same signed "give now" link the reminders carry.
            "give_url": links.pledge_url(links.GIVE, pledge.pk) if payable else "",
        },
        status=status,
    )


@require_GET
def pledge_give(request, token: str):
    """One click from the reminder to Stripe Checkout for this pledge."""
    try:
        pledge = _pledge_from(token, links.GIVE)
    except TokenError as error:
        return _problem(request, error.message)
    if pledge is None:
        return _problem(request, "We couldn't find this pledge.", status=404)
    try:
        url = pledge_checkout_open(
            pledge_id=pledge.pk, cancel_url=links.pledge_url(links.MANAGE, pledge.pk)
        )
    except services.PledgeStateError as error:
        return _problem(request, error.message, status=409)
    except CheckoutUnavailable:
        return _problem(
            request,
            "Card payments aren't available right now. Please try the link again "
            "later; your pledge is safe.",
            status=503,
        )
    return redirect(url)
