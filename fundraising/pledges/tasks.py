"""Thin Celery tasks of the pledges app (safe to run twice, or at once)."""

from __future__ import annotations

from celery import shared_task

from . import housekeeping, reminders

# The sweep stops itself in time for the next beat tick (every minute) and
# well inside the task time limits; whatever is left goes at the next tick.
SWEEP_TIME_BUDGET_SECONDS = 50
# A big backlog (a milestone calling in thousands of pledges) is shared with
# up to this many helper sweeps on other workers: SKIP LOCKED gives each its
# own batches, so they never take the same reminder.
SWEEP_HELPERS_MAX = 3
SWEEP_HELPER_PER_BACKLOG = 2000


@shared_task(name="pledges.tasks.pledge_reminders_sweep", acks_late=True)
def pledge_reminders_sweep(helper: bool = False) -> int:
    if not helper:
        backlog = reminders.reminders_due_count(
            limit=SWEEP_HELPER_PER_BACKLOG * (SWEEP_HELPERS_MAX + 1)
        )
        for _ in range(min(SWEEP_HELPERS_MAX, backlog // SWEEP_HELPER_PER_BACKLOG)):
            pledge_reminders_sweep.apply_async(kwargs={"helper": True})
    return reminders.reminders_sweep(time_budget=SWEEP_TIME_BUDGET_SECONDS)


@shared_task(name="pledges.tasks.pledges_housekeeping", acks_late=True)
def pledges_housekeeping() -> dict:
    return {
        "expired": housekeeping.pledges_expire_unconfirmed(),
        "lapsed": housekeeping.pledges_lapse(),
        "anonymised": housekeeping.pledges_anonymise(),
    }
