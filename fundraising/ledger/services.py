"""Writes to the ledger (keyword-only; LedgerError.messages are safe to show).

    cost_entry_create(*, stage, kind, category, date, amount_pence, vat_pence,
        description, invoice=None, user) -> CostEntry      (awaits approval)
    cost_entry_approve(*, entry_id, user) -> CostEntry     (second person)
    cost_entry_reverse(*, entry_id, user, reason) -> CostEntry
    stage_status_set(*, stage_id, status, user) -> CaseStage

Every write is recorded in Wagtail's audit log (Reports > Site history and
each object's history).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import CaseStage, CostEntry

APPROVE_PERMISSION = "ledger.approve_costentry"
FINANCE_PERMISSION = "ledger.manage_finance"


class LedgerError(Exception):
    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def _label(field: str) -> str:
    name = str(CostEntry._meta.get_field(field).verbose_name)
    return name[:1].upper() + name[1:]


def _messages(error: ValidationError) -> list[str]:
    """ "Field name: what is wrong", one per problem, safe to show staff."""
    if hasattr(error, "error_dict"):
        return [
            m if field == "__all__" else f"{_label(field)}: {m}"
            for field, found in error.message_dict.items()
            for m in found
        ]
    return list(error.messages)


def _require(user, permission: str) -> None:
    if user is None or not user.is_active or not user.has_perm(permission):
        raise LedgerError("You do not have the finance permission for this.")


@transaction.atomic
def cost_entry_create(
    *,
    stage: CaseStage,
    kind: str = CostEntry.Kind.COST,
    category: str = CostEntry.Category.OTHER,
    date: datetime.date | None = None,
    amount_pence: int,
    vat_pence: int = 0,
    description: str,
    invoice=None,
    user,
) -> CostEntry:
    """A new entry, awaiting a second person's approval."""
    _require(user, FINANCE_PERMISSION)
    if kind == CostEntry.Kind.REVERSAL:
        raise LedgerError("Reverse an entry with cost_entry_reverse.")
    entry = CostEntry(
        stage=stage,
        kind=kind,
        category=category,
        date=date or timezone.localdate(),
        amount_pence=amount_pence,
        vat_pence=vat_pence,
        currency=stage.appeal.currency,
        description=" ".join((description or "").split()),
        entered_by=user,
    )
    if invoice is not None:
        entry.invoice = invoice
    try:
        entry.full_clean()
    except ValidationError as error:
        raise LedgerError(*_messages(error)) from error
    entry.save()
    log(entry, "wagtail.create", user=user)
    return entry


@transaction.atomic
def cost_entry_approve(*, entry_id: int, user) -> CostEntry:
    """The second person's approval: from now on the entry counts and shows."""
    _require(user, APPROVE_PERMISSION)
    entry = CostEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise LedgerError("That entry no longer exists.")
    if entry.is_approved:
        raise LedgerError("This entry is already approved.")
    if entry.entered_by_id == user.pk:
        raise LedgerError(
            "You entered this cost, so someone else must approve it (two-person rule)."
        )
    entry.approved_by = user
    entry.approved_at = timezone.now()
    try:
        with transaction.atomic():
            entry.save(approving=True, update_fields=["approved_by", "approved_at"])
    except IntegrityError as error:  # the database's own two-person check
        raise LedgerError("Someone else must approve this entry.") from error
    log(entry, "ledger.approve", user=user)
    return entry


@transaction.atomic
def cost_entry_reverse(*, entry_id: int, user, reason: str = "") -> CostEntry:
    """A correction: a new entry that cancels an approved one (awaits approval
    like any other, so a second person checks the correction too)."""
    _require(user, FINANCE_PERMISSION)
    original = CostEntry.objects.select_for_update().filter(pk=entry_id).first()
    if original is None:
        raise LedgerError("That entry no longer exists.")
    if not original.is_approved:
        raise LedgerError(
            "This entry is not approved yet: edit or delete it instead of reversing it."
        )
    if original.kind == CostEntry.Kind.REVERSAL:
        raise LedgerError("A reversal cannot be reversed; enter the cost again.")
    if CostEntry.objects.filter(reverses=original).exists():
        raise LedgerError("This entry has already been reversed.")
    reason = " ".join((reason or "").split())
    description = f"Reversal: {original.description}"
    if reason:
        description = f"{description} ({reason})"
    entry = CostEntry(
        stage_id=original.stage_id,
        kind=CostEntry.Kind.REVERSAL,
        category=original.category,
        date=timezone.localdate(),
        amount_pence=original.amount_pence,
        vat_pence=original.vat_pence,
        currency=original.currency,
        description=description[:200],
        reverses=original,
        entered_by=user,
    )
    entry.save()
    log(entry, "ledger.reverse", user=user, data={"reverses": original.pk})
    return entry


@transaction.atomic
def stage_status_set(*, stage_id: int, status: str, user) -> CaseStage:
    _require(user, FINANCE_PERMISSION)
    if status not in CaseStage.Status.values:
        raise LedgerError(f"Unknown status {status!r}.")
    stage = CaseStage.objects.select_for_update().filter(pk=stage_id).first()
    if stage is None:
        raise LedgerError("That stage no longer exists.")
    if stage.status != status:
        stage.status = status
        stage.save(update_fields=["status", "updated_at"])
        log(stage, "ledger.stage_status", user=user, data={"status": status})
    return stage
