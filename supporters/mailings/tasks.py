"""Thin Celery tasks of mailings: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import sending, services

MAX_RETRY_COUNTDOWN = 600


@shared_task(name="mailings.snapshot", acks_late=True)
def mailing_snapshot(mailing_id: int) -> None:
    services.mailing_snapshot(mailing_id=mailing_id)


@shared_task(bind=True, name="mailings.deliver", acks_late=True, max_retries=None)
def mailing_deliver(self, mailing_id: int) -> None:
    """Send batches for a while, then hand over to a fresh task (so no task
    nears the time limit). Any number may run at once: rows are claimed in
    the database."""
    outcome = sending.mailing_deliver(mailing_id=mailing_id)
    if self.request.is_eager:
        # In-process (demo without Redis): keep going until there is nothing
        # left that this process can do now.
        while outcome == "continue":
            outcome = sending.mailing_deliver(mailing_id=mailing_id)
        return
    if outcome == "continue":
        mailing_deliver.delay(mailing_id)
    elif outcome == "waiting":
        # Other workers hold the last leases; look again as they expire.
        countdown = max(1, min(30, settings.MAILINGS_LEASE_SECONDS // 4))
        mailing_deliver.apply_async((mailing_id,), countdown=countdown)
    elif outcome == "retry":
        # Temporary provider trouble: 15 s, 30 s, 1 min ... capped at 10 min.
        base = getattr(settings, "MAILINGS_RETRY_BASE_SECONDS", 15)
        countdown = min(base * 2**self.request.retries, MAX_RETRY_COUNTDOWN)
        raise self.retry(countdown=countdown)


@shared_task(name="mailings.test_send")
def mailing_test_send(mailing_id: int, user_id: int) -> None:
    services.mailing_test_deliver(mailing_id=mailing_id, user_id=user_id)


@shared_task(name="mailings.sweep")
def mailings_sweep() -> None:
    services.mailings_sweep()
