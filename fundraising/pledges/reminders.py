"""Reminder rows and the sweep that sends them, each at most once.

Reminders are rows, not Celery countdowns: Redis redelivers an unacknowledged
task after its visibility timeout, and a long countdown would be lost or
doubled. A beat task runs ``reminders_sweep`` every minute. It claims due rows
in batches with ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL), so two
sweeps at once take different rows, and in the same transaction logs the
email (supporters.emails.email_enqueue) and marks the row sent. The email log
row and the "sent" mark commit together or not at all, and a sent row is
never claimed again: a retried or duplicated sweep sends nothing twice.
The unique (pledge, number) constraint caps a pledge at two reminders.

Interface:
    reminders_schedule(*, pledge, now)   (re)plan the unsent reminders
    reminders_stop(*, pledge)            fulfilled/cancelled/expired
    reminder_bring_forward(*, pledge_id, now=None) -> PledgeReminder
        staff "remind now": the next unsent reminder becomes due at once
    reminders_sweep(*, now=None, batch_size=500, time_budget=None) -> int
    reminders_due_count(*, limit, now=None) -> int
"""

from __future__ import annotations

import datetime
import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from supporters.emails import email_enqueue

from . import links, schedule
from .models import Pledge, PledgeReminder

logger = logging.getLogger(__name__)
R = PledgeReminder.Status


def reminders_schedule(*, pledge: Pledge, now: datetime.datetime) -> None:
    """Plan the reminders still to send for ``pledge.due_date``.

    Already-sent reminders stay; the unsent ones (at most two in all) move to
    09:00 London on the due day and three days later. One due in the past
    (a late confirmation, a call-in after 09:00) goes out at the next sweep.
    """
    # Locked, so a sweep sending one of them right now finishes first and we
    # see it as sent (never re-armed to go out a second time).
    existing = {r.number: r for r in pledge.reminders.select_for_update()}
    unsent = [
        n
        for n in range(1, schedule.REMINDER_COUNT + 1)
        if n not in existing or existing[n].status != R.SENT
    ]
    times = schedule.reminder_times(pledge.due_date)
    for number, due_at in zip(unsent, times, strict=False):
        PledgeReminder.objects.update_or_create(
            pledge=pledge,
            number=number,
            defaults={"due_at": due_at, "status": R.PENDING, "manual": False},
        )


def reminders_stop(*, pledge: Pledge) -> None:
    pledge.reminders.filter(status=R.PENDING).update(status=R.SKIPPED)


@transaction.atomic
def reminder_bring_forward(
    *, pledge_id: int, now: datetime.datetime | None = None
) -> PledgeReminder:
    """Staff "remind now". It uses the next of the two reminders rather than
    adding a third, so "at most two" holds whatever staff click."""
    from .services import PledgeStateError

    now = now or timezone.now()
    pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
    if pledge.status != Pledge.Status.CONFIRMED:
        raise PledgeStateError("Only confirmed, unpaid pledges can be reminded.")
    if pledge.supporter_id is None:
        raise PledgeStateError("This pledge has no one to remind (anonymised).")
    if pledge.due_date is None:
        raise PledgeStateError(
            "This pledge waits for a milestone: mark the milestone reached to "
            "call it in, and its reminder goes out then."
        )
    reminders_now = pledge.reminders.select_for_update()  # see reminders_schedule
    sent = {r.number for r in reminders_now if r.status == R.SENT}
    free = [n for n in range(1, schedule.REMINDER_COUNT + 1) if n not in sent]
    if not free:
        raise PledgeStateError("Both reminders have already been sent.")
    reminder, _ = PledgeReminder.objects.update_or_create(
        pledge=pledge,
        number=free[0],
        defaults={"due_at": now, "status": R.PENDING, "manual": True},
    )
    return reminder


def _context(pledge: Pledge, number: int) -> dict:
    return {
        "number": number,
        "first_name": pledge.supporter.first_name,
        "amount": pledge.amount_display,
        "appeal_name": pledge.appeal.name,
        "when": pledge.when_display,
        "milestone_title": pledge.milestone_title if pledge.called_in_at else "",
        "give_url": links.pledge_url(links.GIVE, pledge.pk),
        "manage_url": links.pledge_url(links.MANAGE, pledge.pk),
    }


def _send_batch(batch: list[PledgeReminder], now: datetime.datetime) -> int:
    """Log each email and mark the batch, all in the caller's transaction.

    Two UPDATEs for the whole batch (sent / not needed) rather than one per
    row: the sweep's cost is then the email log rows themselves.
    """
    sent, skipped = [], []
    claim_each = not connection.features.has_select_for_update_skip_locked
    for reminder in batch:
        pledge = reminder.pledge
        if (
            pledge.status != Pledge.Status.CONFIRMED
            or pledge.supporter is None
            or not pledge.appeal.is_open
        ):
            # Paid, cancelled, lapsed or anonymised; or its appeal closed
            # (staff then move or release it: see services.appeal_close).
            skipped.append(reminder.pk)
            continue
        if claim_each and not _claim_one(reminder.pk, now):
            continue  # another sweep sent it between our SELECT and now
        email_enqueue(
            template="pledge_reminder",
            to=pledge.supporter,
            context=_context(pledge, reminder.number),
            kind="transactional",
            tags=["pledge-reminder"],
            metadata={
                "pledge_id": str(pledge.pk),
                "reminder": str(reminder.number),
                "reminder_id": str(reminder.pk),
            },
        )
        sent.append(reminder.pk)
    PledgeReminder.objects.filter(pk__in=sent).update(status=R.SENT, sent_at=now)
    PledgeReminder.objects.filter(pk__in=skipped, status=R.PENDING).update(
        status=R.SKIPPED
    )
    return len(sent)


def _claim_one(reminder_id: int, now: datetime.datetime) -> bool:
    """Without SKIP LOCKED (SQLite: select_for_update does nothing there),
    each reminder is claimed by a conditional UPDATE before its email is
    logged. SQLite lets one writer in at a time, so of two sweeps only one
    sees the row still pending; PostgreSQL never needs this (the rows are
    locked and skipped by the other sweep)."""
    return bool(
        PledgeReminder.objects.filter(pk=reminder_id, status=R.PENDING).update(
            status=R.SENT, sent_at=now
        )
    )


def reminders_due_count(*, limit: int, now: datetime.datetime | None = None) -> int:
    """How many reminders are due, counting no further than ``limit`` (the
    partial index keeps this cheap however many are pending)."""
    now = now or timezone.now()
    due = PledgeReminder.objects.filter(status=R.PENDING, due_at__lte=now)
    return due.values("pk")[:limit].count()


def reminders_sweep(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = 500,
    time_budget: float | None = None,
) -> int:
    """Send every due reminder; returns how many were sent.

    Each claimed row locks its pledge too, so a pledge being cancelled, paid
    or rescheduled at this moment is skipped this time (its service holds the
    pledge's lock) and looked at again, in its new state, by the next sweep.

    One transaction per batch, so memory stays flat however many are due,
    and a crash loses at most an uncommitted batch (which is then still
    pending, never half-sent). ``time_budget`` (seconds) lets the beat task
    stop in time; the next tick carries on.
    """
    now = now or timezone.now()
    started = time.monotonic()
    total = 0
    while time_budget is None or time.monotonic() - started < time_budget:
        with transaction.atomic():
            batch = list(
                PledgeReminder.objects.select_for_update(
                    skip_locked=True, of=("self", "pledge")
                )
                .filter(status=R.PENDING, due_at__lte=now)
                .select_related("pledge__appeal", "pledge__supporter")
                .order_by("due_at", "pk")[:batch_size]
            )
            if not batch:
                break
            total += _send_batch(batch, now)
    if total:
        logger.info("Pledge reminder sweep sent %d reminder(s)", total)
    return total
