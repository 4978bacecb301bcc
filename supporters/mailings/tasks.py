"""Thin Celery tasks of mailings: they take ids and call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError, Retry
from django.conf import settings

from . import sending, services

MAX_RETRY_COUNTDOWN = 600
logger = logging.getLogger(__name__)


# A task that raised is retried this many times (a database restart, a
# deploy) before the mailing is marked failed for staff to see.
MAX_ERROR_RETRIES = 3


def _retry_or_fail(task, mailing_id: int, error: Exception) -> None:
    """Retry a worker's task with backoff; once retries are spent (or at
    once, in-process, where nothing would retry it) mark the mailing failed
    with the reason, so the status page never waits for a job that is gone.
    The failure is then the mailing's own state (and logged with its
    traceback), not an exception for the task runner to lose."""
    retries = task.request.retries
    if not task.request.is_eager and retries < MAX_ERROR_RETRIES:
        raise task.retry(exc=error, countdown=15 * 2**retries) from error
    logger.exception("Mailing %s: background job raised", mailing_id)
    services.mailing_fail(mailing_id=mailing_id, error=error)


@shared_task(
    bind=True, name="mailings.snapshot", acks_late=True, max_retries=MAX_ERROR_RETRIES
)
def mailing_snapshot(self, mailing_id: int) -> None:
    try:
        services.mailing_snapshot(mailing_id=mailing_id)
    except Exception as error:  # noqa: BLE001 (logged and shown in _retry_or_fail)
        _retry_or_fail(self, mailing_id, error)


@shared_task(bind=True, name="mailings.deliver", acks_late=True, max_retries=None)
def mailing_deliver(self, mailing_id: int) -> None:
    """Send batches for a while, then hand over to a fresh task (so no task
    nears the time limit). Any number may run at once: rows are claimed in
    the database."""
    try:
        _deliver(self, mailing_id)
    except (Retry, MaxRetriesExceededError):
        raise
    except Exception as error:  # noqa: BLE001 (logged and shown in _retry_or_fail)
        _retry_or_fail(self, mailing_id, error)


def _deliver(self, mailing_id: int) -> None:
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
