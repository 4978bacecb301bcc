"""Writes about pledges: make, confirm, change, cancel, fulfil, call in.

Interface (keyword-only):
    pledge_create(*, appeal, email, first_name, amount_pence, when, today=None,
        due_date=None, payday=None, milestone_key=None, milestones=None,
        source="", updates=False) -> Pledge   unconfirmed; sends the
        confirmation email. A known address keeps its stored name (public
        input never changes a supporter); ``updates`` ("also email me
        updates") is confirmed by the same link as the pledge.
    pledge_confirm(*, pledge_id) -> Pledge       double opt-in; idempotent
    pledge_reschedule(*, pledge_id, when, due_date=None, payday=None) -> Pledge
    pledge_cancel(*, pledge_id) -> Pledge        idempotent
    pledge_fulfil(*, pledge_id, donation) -> Pledge   (the donation webhook)
    appeal_close(*, appeal, action, move_to=None) -> int
        Close an appeal and settle its open pledges as staff chose: "move"
        them to another open appeal (each confirmed pledger is told and keeps
        their date and reminders) or "release" them (each confirmed pledger
        gets a thank-you; reminders stop). Unconfirmed pledges are moved or
        simply ended without an email. Returns how many pledges were handled.
    pledges_call_in(*, appeal, milestone_key, milestone_title, user=None)
        -> MilestoneCallIn   milestone reached: its confirmed pledges fall due;
        the first call-in of a milestone sends signals.milestone_called_in

A confirmed, outstanding pledge counts in its appeal's ``pledged_pence`` and
``pledges_outstanding``. Every status change that enters or leaves
"confirmed" moves those totals with F() in the same transaction, under a lock
on the pledge row, so a total never counts a pledge twice or loses one.
Bad input raises django.core.exceptions.ValidationError with field keys.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fundraising.models import Appeal
from supporters.addresses import email_mask
from supporters.emails import email_enqueue
from supporters.services import (
    consent_grant,
    supporter_from_public_form,
    supporter_touch,
)

from . import links, reminders, rules, schedule
from .models import MilestoneCallIn, Pledge
from .signals import milestone_called_in

logger = logging.getLogger(__name__)
Status = Pledge.Status

CONSENT_PURPOSE = "pledge_reminders"
CONSENT_WORDING = (
    "Email me to confirm this pledge and to remind me when it falls due (on the "
    "day and, if I haven't given yet, three days later). Nothing else."
)
CONSENT_WORDING_VERSION = "pledge-2026-1"
UNCONFIRMED_EXPIRY = datetime.timedelta(days=7)
# "Also email me updates": the same wording as the donate form's box.
UPDATES_WORDING_VERSION = "donate-2026-1"


class PledgeStateError(Exception):
    """The pledge cannot do that in its current state; ``message`` is safe to
    show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _pledged_move(pledge: Pledge, sign: int) -> None:
    """Add (+1) or remove (-1) an outstanding pledge from its appeal's totals."""
    Appeal.objects.filter(pk=pledge.appeal_id).update(
        pledged_pence=F("pledged_pence") + sign * pledge.amount_pence,
        pledges_outstanding=F("pledges_outstanding") + sign,
    )


def _locked(pledge_id: int) -> Pledge:
    return (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("appeal", "supporter")
        .get(pk=pledge_id)
    )


def pledge_create(
    *,
    appeal: Appeal,
    email: str,
    first_name: str,
    amount_pence: int,
    when: str,
    today: datetime.date | None = None,
    due_date: datetime.date | None = None,
    payday=None,
    milestone_key=None,
    milestones: dict | None = None,
    source: str = "",
    updates: bool = False,
) -> Pledge:
    today = today or schedule.london_today()
    if not appeal.is_open:
        raise ValidationError("This appeal has closed, so it cannot take pledges.")
    rules.amount_check(amount_pence)
    choice = rules.when_check(
        when=when,
        today=today,
        due_date=due_date,
        payday=payday,
        milestone_key=milestone_key,
        milestones=milestones,
    )
    with transaction.atomic():
        supporter, _created = supporter_from_public_form(
            email=email, first_name=first_name, source=source or "pledge"
        )
        pledge = Pledge.objects.create(
            appeal=appeal,
            supporter=supporter,
            amount_pence=amount_pence,
            currency=appeal.currency,
            when=choice.when,
            due_date=choice.due_date,
            payday=choice.payday,
            milestone_key=choice.milestone_key,
            milestone_title=choice.milestone_title,
            source=source[:200],
            updates_requested=bool(updates),
        )
        email_enqueue(
            template="pledge_confirm",
            to=supporter,
            context={
                "amount": pledge.amount_display,
                "appeal_name": appeal.name,
                "when": pledge.when_display,
                "confirm_url": links.pledge_url(links.CONFIRM, pledge.pk),
                "manage_url": links.pledge_url(links.MANAGE, pledge.pk),
            },
            kind="transactional",
            tags=["pledge-confirm"],
            metadata={"pledge_id": str(pledge.pk)},
        )
    logger.info("Pledge %s made by %s", pledge.pk, email_mask(supporter.email))
    return pledge


def _called_in(pledge: Pledge) -> MilestoneCallIn | None:
    if pledge.when != Pledge.When.MILESTONE:
        return None
    return MilestoneCallIn.objects.filter(milestone_key=pledge.milestone_key).first()


@transaction.atomic
def pledge_confirm(*, pledge_id: int, now: datetime.datetime | None = None) -> Pledge:
    now = now or timezone.now()
    pledge = _locked(pledge_id)
    if pledge.status == Status.CONFIRMED or pledge.status == Status.FULFILLED:
        return pledge  # a second click on the link: already done
    if pledge.status != Status.UNCONFIRMED or now - pledge.created_at > (
        UNCONFIRMED_EXPIRY
    ):
        raise PledgeStateError(
            "This pledge was not confirmed within 7 days, so it has lapsed. "
            "You're welcome to make a new one."
            if pledge.status in (Status.UNCONFIRMED, Status.EXPIRED)
            else "This pledge was cancelled, so it can't be confirmed."
        )
    today = schedule.london_today(now)
    pledge.status = Status.CONFIRMED
    pledge.confirmed_at = now
    if pledge.due_date and pledge.due_date < today:
        pledge.due_date = today  # confirmed late: it is due now, not in the past
    if _called_in(pledge):
        pledge.due_date, pledge.called_in_at = today, now
    pledge.save(update_fields=["status", "confirmed_at", "due_date", "called_in_at"])
    _pledged_move(pledge, +1)
    if pledge.supporter_id:
        consent_grant(
            supporter=pledge.supporter,
            purpose=CONSENT_PURPOSE,
            wording=CONSENT_WORDING,
            wording_version=CONSENT_WORDING_VERSION,
            source=f"pledge {pledge.pk}",
            confirmed_at=now,
        )
        supporter_touch(supporter=pledge.supporter)
        if pledge.updates_requested:
            from supporters.subscriptions import updates_confirm

            updates_confirm(
                supporter=pledge.supporter,
                wording_version=UPDATES_WORDING_VERSION,
                source=f"pledge {pledge.pk}",
            )
    if pledge.due_date:
        reminders.reminders_schedule(pledge=pledge, now=now)
    return pledge


@transaction.atomic
def pledge_reschedule(
    *,
    pledge_id: int,
    when: str,
    due_date: datetime.date | None = None,
    payday=None,
    now: datetime.datetime | None = None,
) -> Pledge:
    """Change when an open pledge falls due (a date or the next payday)."""
    now = now or timezone.now()
    pledge = _locked(pledge_id)
    if pledge.status not in Pledge.OPEN_STATUSES:
        raise PledgeStateError(_closed_message(pledge))
    if when not in (Pledge.When.DATE, Pledge.When.PAYDAY):
        raise ValidationError({"when": "Choose a date or your next payday."})
    choice = rules.when_check(
        when=when, today=schedule.london_today(now), due_date=due_date, payday=payday
    )
    pledge.when, pledge.due_date, pledge.payday = (
        choice.when,
        choice.due_date,
        choice.payday,
    )
    pledge.milestone_key, pledge.milestone_title = None, ""
    pledge.save(
        update_fields=["when", "due_date", "payday", "milestone_key", "milestone_title"]
    )
    if pledge.status == Status.CONFIRMED:
        reminders.reminders_schedule(pledge=pledge, now=now)
    return pledge


def _closed_message(pledge: Pledge) -> str:
    return {
        Status.FULFILLED: "This pledge has been paid. Thank you!",
        Status.CANCELLED: "This pledge was cancelled.",
        Status.EXPIRED: "This pledge has lapsed.",
        Status.RELEASED: "This pledge was released when its appeal closed. Thank you!",
    }.get(pledge.status, "This pledge can't be changed now.")


def _end(pledge: Pledge, status: str, now: datetime.datetime) -> None:
    """Close an open pledge as cancelled or expired; its reminders stop."""
    was_counted = pledge.status == Status.CONFIRMED
    pledge.status, pledge.ended_at = status, now
    pledge.save(update_fields=["status", "ended_at"])
    if was_counted:
        _pledged_move(pledge, -1)
    reminders.reminders_stop(pledge=pledge)


@transaction.atomic
def pledge_cancel(*, pledge_id: int, now: datetime.datetime | None = None) -> Pledge:
    pledge = _locked(pledge_id)
    if pledge.status == Status.CANCELLED:
        return pledge
    if pledge.status not in Pledge.OPEN_STATUSES:
        raise PledgeStateError(_closed_message(pledge))
    _end(pledge, Status.CANCELLED, now or timezone.now())
    # A Checkout page left open in another tab must not pay a cancelled pledge.
    transaction.on_commit(lambda: _checkout_close(pledge.pk))
    return pledge


def _checkout_close(pledge_id: int) -> None:
    from .checkout import pledge_checkout_close

    pledge_checkout_close(pledge_id=pledge_id)


@transaction.atomic
def pledge_expire(*, pledge_id: int, now: datetime.datetime | None = None) -> Pledge:
    pledge = _locked(pledge_id)
    if pledge.status in Pledge.OPEN_STATUSES:
        _end(pledge, Status.EXPIRED, now or timezone.now())
    return pledge


@transaction.atomic
def pledge_fulfil(*, pledge_id: int, donation) -> Pledge:
    """A donation paid this pledge: it leaves "pledged" (the donation itself
    moves "raised", in the same transaction: see fundraising.services.totals).
    A pledge paid after it was cancelled is still recorded as paid."""
    pledge = _locked(pledge_id)
    if pledge.status == Status.FULFILLED:
        return pledge
    was_counted = pledge.status == Status.CONFIRMED
    pledge.status = Status.FULFILLED
    pledge.fulfilled_at = donation.paid_at or timezone.now()
    pledge.donation = donation
    pledge.save(update_fields=["status", "fulfilled_at", "donation"])
    if was_counted:
        _pledged_move(pledge, -1)
    reminders.reminders_stop(pledge=pledge)
    logger.info("Pledge %s fulfilled by donation %s", pledge.pk, donation.pk)
    return pledge


CLOSE_MOVE, CLOSE_RELEASE = "move", "release"


def _pledger_email(pledge: Pledge, template: str, **context) -> None:
    email_enqueue(
        template=template,
        to=pledge.supporter,
        context={
            "amount": pledge.amount_display,
            "appeal_name": pledge.appeal.name,
            "when": pledge.when_display,
            "manage_url": links.pledge_url(links.MANAGE, pledge.pk),
            **context,
        },
        kind="transactional",
        tags=[template.replace("_", "-")],
        metadata={"pledge_id": str(pledge.pk)},
    )


@transaction.atomic
def appeal_close(
    *, appeal: Appeal, action: str, move_to: Appeal | None = None, now=None
) -> int:
    """Lock order as everywhere (donation -> pledge -> appeal): each pledge
    row, then the appeals' totals, one pledge at a time."""
    now = now or timezone.now()
    if action not in (CLOSE_MOVE, CLOSE_RELEASE):
        raise ValidationError({"action": "Choose to move or release the pledges."})
    if action == CLOSE_MOVE and (
        move_to is None or move_to.pk == appeal.pk or not move_to.is_open
    ):
        raise ValidationError({"move_to": "Choose another appeal that is open."})
    if action == CLOSE_MOVE and move_to.currency != appeal.currency:
        raise ValidationError({"move_to": "Choose an appeal in the same currency."})
    Appeal.objects.filter(pk=appeal.pk).update(is_open=False)
    appeal.is_open = False
    open_ids = list(
        Pledge.objects.filter(appeal=appeal, status__in=Pledge.OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pledge_id in open_ids:
        pledge = _locked(pledge_id)
        if pledge.status not in Pledge.OPEN_STATUSES or pledge.appeal_id != appeal.pk:
            continue  # paid or cancelled meanwhile
        confirmed = pledge.status == Status.CONFIRMED
        if action == CLOSE_MOVE:
            if confirmed:
                _pledged_move(pledge, -1)
            pledge.appeal = move_to
            pledge.save(update_fields=["appeal"])
            if confirmed:
                _pledged_move(pledge, +1)
                _pledger_email(pledge, "pledge_moved", old_appeal_name=appeal.name)
        elif confirmed:
            _end(pledge, Status.RELEASED, now)
            _pledger_email(pledge, "pledge_released")
        else:
            _end(pledge, Status.EXPIRED, now)  # never confirmed: no email
    if action == CLOSE_RELEASE:
        transaction.on_commit(lambda: [_checkout_close(pk) for pk in open_ids])
    logger.info(
        "Appeal %s closed: %d open pledge(s) %s", appeal.pk, len(open_ids), action
    )
    return len(open_ids)


@transaction.atomic
def pledges_call_in(
    *, appeal: Appeal, milestone_key, milestone_title: str, user=None, now=None
) -> MilestoneCallIn:
    """The milestone was reached: every confirmed pledge waiting for it falls
    due today and gets its reminders. Calling in again only catches pledges
    confirmed since (none, because those fall due on confirmation)."""
    now = now or timezone.now()
    call_in, first_time = MilestoneCallIn.objects.get_or_create(
        milestone_key=milestone_key,
        defaults={
            "milestone_title": (milestone_title or "")[:200],
            "appeal": appeal,
            "called_in_at": now,
            "called_in_by": user,
        },
    )
    today = schedule.london_today(now)
    waiting = (
        Pledge.objects.select_for_update()
        .filter(
            milestone_key=milestone_key,
            appeal=appeal,
            status=Status.CONFIRMED,
            due_date__isnull=True,
        )
        .order_by("pk")
    )
    count = amount = 0
    for pledge in waiting.iterator(chunk_size=500):
        pledge.due_date, pledge.called_in_at = today, now
        pledge.save(update_fields=["due_date", "called_in_at"])
        reminders.reminders_schedule(pledge=pledge, now=now)
        count += 1
        amount += pledge.amount_pence
    MilestoneCallIn.objects.filter(pk=call_in.pk).update(
        pledges_count=F("pledges_count") + count,
        amount_pence=F("amount_pence") + amount,
    )
    call_in.refresh_from_db()
    if first_time:
        milestone_called_in.send(sender=MilestoneCallIn, call_in=call_in, user=user)
    logger.info("Milestone %s called in %d pledge(s)", milestone_key, count)
    return call_in
