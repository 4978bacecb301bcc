"""Wagtail admin views for supporters beyond the generic ones: the audited
detail view, streamed CSV export, CSV import with a dry run, data requests."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.signing import BadSignature, Signer
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic import InspectView

from .admin_forms import DataRequestCreateForm, ImportUploadForm
from .data_requests import (
    data_access_send,
    data_erasure_request,
    data_request_erase_now,
)
from .filters import SupporterFilterSet
from .importing import (
    IMPORT_DIR,
    ImportFileError,
    import_storage,
    supporter_import_can_retry,
    supporter_import_queue,
    supporter_import_retry,
    supporter_import_stalled,
    supporters_import_check,
)
from .models import DataRequest, Supporter, SupporterAccessLog, SupporterImport
from .selectors import consent_history, supporter_export_rows
from .spreadsheets import csv_response

_import_signer = Signer(salt="supporters.import.file")


def audit(request, action: str, *, supporter=None, detail: str = "") -> None:
    SupporterAccessLog.objects.create(
        user=request.user, action=action, supporter=supporter, detail=detail[:255]
    )


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class SupporterInspectView(InspectView):
    """The detail page: profile, subscriptions, tags, consent history.
    Every view is written to the access log."""

    template_name = "supporters/admin/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supporter = self.object
        audit(self.request, SupporterAccessLog.Action.VIEW, supporter=supporter)
        context.update(
            supporter=supporter,
            subscriptions=supporter.subscriptions.select_related("topic"),
            tags=supporter.tags.all(),
            consents=consent_history(supporter=supporter),
            emails=supporter.emails.all()[:20],
        )
        return context


def supporters_export(request):
    """Stream the (filtered) supporters as CSV, in constant memory."""
    _require(request, "supporters.export_supporter")
    filters = SupporterFilterSet(request.GET or None, queryset=Supporter.objects.all())
    queryset = (
        filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    )
    audit(
        request,
        SupporterAccessLog.Action.EXPORT,
        detail=f"CSV export; filters: {request.GET.urlencode()[:200] or 'none'}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(f"supporters-{stamp}.csv", supporter_export_rows(queryset))


def supporters_import_view(request):
    """Step 1: upload -> dry run (preview, per-row errors). Step 2: a worker
    imports the very same file (kept in storage under a signed name), all or
    nothing; the status page follows it."""
    _require(request, "supporters.add_supporter")
    if request.method == "POST" and request.POST.get("stored"):
        try:
            name = _import_signer.unsign(request.POST["stored"])
        except BadSignature:
            name = ""
        if not name.startswith(f"{IMPORT_DIR}/") or not import_storage().exists(name):
            messages.error(request, "That upload has expired. Please upload it again.")
            return redirect("supporters_admin_import")
        when = timezone.localtime()
        record = supporter_import_queue(
            file_name=name,
            source=f"import {when:%Y-%m-%d %H:%M} by {request.user.get_username()}",
            user=request.user,
        )
        return redirect("supporters_admin_import_status", pk=record.pk)

    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = supporters_import_check(file=upload.file)
        except ImportFileError as error:
            form.add_error("file", error.message)
            status = 400
        else:
            context["report"] = report
            if report.ok:
                upload.file.seek(0)
                name = import_storage().save(
                    f"{IMPORT_DIR}/{uuid.uuid4().hex}.csv",
                    ContentFile(upload.file.read()),
                )
                context["stored"] = _import_signer.sign(name)
            else:
                status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "supporters/admin/import.html", context, status=status)


def supporters_import_status(request, pk: int):
    """Progress of a confirmed import; refreshes itself until it ends, and
    offers "Try again" when its job failed or was lost."""
    _require(request, "supporters.add_supporter")
    record = get_object_or_404(SupporterImport, pk=pk)
    if request.method == "POST":
        if supporter_import_retry(record=record):
            messages.success(request, "The import was started again.")
        else:
            messages.error(
                request,
                "This import cannot be started again: it is still running, "
                "or its file is gone (upload it again).",
            )
        return redirect("supporters_admin_import_status", pk=record.pk)
    context = {
        "record": record,
        "stalled": supporter_import_stalled(record=record),
        "can_retry": supporter_import_can_retry(record=record),
    }
    return render(request, "supporters/admin/import_status.html", context)


def data_request_create(request):
    _require(request, "supporters.add_datarequest")
    form = DataRequestCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        opener = (
            data_access_send
            if kind == DataRequest.Kind.ACCESS
            else data_erasure_request
        )
        data_request = opener(supporter=form.supporter, created_by=request.user)
        if form.cleaned_data["notes"]:
            DataRequest.objects.filter(pk=data_request.pk).update(
                notes=form.cleaned_data["notes"]
            )
        messages.success(
            request,
            f"Request recorded, due {data_request.due_on:%d/%m/%Y}. We've emailed the "
            "person a link "
            + (
                "to download their data." if kind == "access" else "to confirm erasure."
            ),
        )
        return redirect("supporters_datarequest:index")
    return render(
        request,
        "supporters/admin/data_request_create.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def data_request_erase(request, pk: int):
    """Carry out an erasure request now (e.g. one made by letter or phone)."""
    _require(request, "supporters.delete_supporter")
    data_request = get_object_or_404(DataRequest, pk=pk, kind=DataRequest.Kind.ERASURE)
    notes = data_request_erase_now(request=data_request, user=request.user)
    messages.success(request, " ".join(["The person's data has been erased.", *notes]))
    return redirect("supporters_datarequest:index")
