"""Admin views of the ledger beyond the viewsets: approve, reverse, mark a
stage done (then offer the donor update), and download a private invoice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.log_actions import log

from supporters.mailings.audience import AudienceError, audience_queryset

from . import services, updates
from .models import CaseStage, CostEntry

ENTRIES_INDEX = "ledger_entries:index"
STAGES_INDEX = "ledger_stages:index"


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _errors(request, error: services.LedgerError) -> None:
    for message in error.messages:
        messages.error(request, message)


def entry_approve(request, pk: int):
    _require(request, services.APPROVE_PERMISSION)
    entry = get_object_or_404(
        CostEntry.objects.select_related("stage__appeal", "entered_by", "reverses"),
        pk=pk,
    )
    if request.method == "POST":
        try:
            services.cost_entry_approve(entry_id=entry.pk, user=request.user)
        except services.LedgerError as error:
            _errors(request, error)
        else:
            messages.success(request, f"Approved: {entry.description}. It now counts.")
        return redirect(ENTRIES_INDEX)
    return TemplateResponse(
        request,
        "ledger/admin/confirm.html",
        {
            "title": "Approve this entry?",
            "entry": entry,
            "own_entry": entry.entered_by_id == request.user.pk,
            "action": "Approve",
            "explain": (
                "Check it against the invoice. Once approved it counts in the "
                "public figures and can no longer be changed, only reversed."
            ),
        },
    )


def entry_reverse(request, pk: int):
    _require(request, services.FINANCE_PERMISSION)
    entry = get_object_or_404(
        CostEntry.objects.select_related("stage__appeal", "entered_by"), pk=pk
    )
    if request.method == "POST":
        try:
            reversal = services.cost_entry_reverse(
                entry_id=entry.pk,
                user=request.user,
                reason=request.POST.get("reason", "")[:120],
            )
        except services.LedgerError as error:
            _errors(request, error)
        else:
            messages.success(
                request,
                f"Reversal entered: {reversal.description}. A second person "
                "approves it before it counts.",
            )
        return redirect(ENTRIES_INDEX)
    return TemplateResponse(
        request,
        "ledger/admin/confirm.html",
        {
            "title": "Reverse this entry?",
            "entry": entry,
            "action": "Enter the reversal",
            "ask_reason": True,
            "explain": (
                "Approved entries are never edited. A reversal is a new entry "
                "that cancels this one; a second person approves it. Enter the "
                "right figure afterwards as a new entry if needed."
            ),
        },
    )


def entry_invoice(request, pk: int):
    """The private invoice, to staff with the finance permission only."""
    _require(request, services.FINANCE_PERMISSION)
    entry = get_object_or_404(CostEntry, pk=pk)
    if not entry.invoice:
        raise Http404("This entry has no invoice.")
    try:
        handle = entry.invoice.open("rb")
    except FileNotFoundError as error:
        raise Http404("The invoice file is missing.") from error
    log(entry, "ledger.invoice_download", user=request.user)
    response = FileResponse(
        handle, as_attachment=True, filename=entry.invoice.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _donor_count(stage: CaseStage) -> int | None:
    try:
        return audience_queryset(segments=[f"donors:{stage.appeal_id}"]).count()
    except (AudienceError, TypeError):
        return None


def stage_done(request, pk: int):
    _require(request, services.FINANCE_PERMISSION)
    stage = get_object_or_404(CaseStage.objects.select_related("appeal"), pk=pk)
    if request.method == "POST":
        try:
            services.stage_status_set(
                stage_id=stage.pk, status=CaseStage.Status.DONE, user=request.user
            )
        except services.LedgerError as error:
            _errors(request, error)
            return redirect(STAGES_INDEX)
        messages.success(request, f"{stage.name} is marked done.")
        return redirect("ledger_stage_update", stage.pk)
    return TemplateResponse(
        request,
        "ledger/admin/stage_done.html",
        {"stage": stage, "title": f"Mark “{stage.name}” done?"},
    )


def stage_update(request, pk: int):
    """Offer (GET) and prepare (POST) the update to the appeal's donors."""
    _require(request, services.FINANCE_PERMISSION)
    stage = get_object_or_404(CaseStage.objects.select_related("appeal"), pk=pk)
    if request.method == "POST":
        try:
            mailing = updates.stage_update_mailing_prepare(
                stage_id=stage.pk, user=request.user
            )
        except services.LedgerError as error:
            _errors(request, error)
            return redirect(STAGES_INDEX)
        messages.success(
            request,
            "A draft update to the appeal's donors is ready: read it, preview it "
            "and send it from here.",
        )
        return redirect(reverse("mailings:status", args=[mailing.pk]))
    return TemplateResponse(
        request,
        "ledger/admin/stage_update.html",
        {
            "stage": stage,
            "title": "Tell donors?",
            "donors": _donor_count(stage),
            "can_prepare": request.user.has_perm(updates.MAILING_PERMISSION),
        },
    )
