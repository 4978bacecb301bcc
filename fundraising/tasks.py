"""Thin Celery tasks: take ids, call one service, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from fundraising.services import events

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=8,
    retry_backoff=True,
    retry_backoff_max=600,
)
def stripe_event_apply(self, event_pk: int) -> str:
    try:
        return events.stripe_event_apply(event_pk=event_pk)
    except Exception as error:
        # Keep the reason on the stored event for staff, then retry later.
        events.stripe_event_failed(event_pk=event_pk, error=repr(error))
        if self.request.is_eager:
            # In-process (no broker): never break the webhook response; the
            # sweep below applies the stored event again.
            logger.exception("Stripe event %s failed", event_pk)
            return "error"
        raise self.retry(
            exc=error, countdown=min(2**self.request.retries * 5, 600)
        ) from error


@shared_task
def stripe_events_sweep() -> int:
    """Beat: apply stored events that failed or were waiting (safe to repeat)."""
    return events.stripe_events_sweep()


@shared_task(
    bind=True, acks_late=True, max_retries=8, retry_backoff=True, retry_backoff_max=600
)
def monthly_gift_cancel(self, donation_id: int) -> bool:
    """Stop an erased donor's subscription at Stripe (retried; the beat's
    sweep also picks up any that never succeed)."""
    from fundraising.services.monthly import monthly_gift_cancel as cancel

    done = cancel(donation_id=donation_id)
    if not done and not self.request.is_eager:
        raise self.retry(countdown=min(2**self.request.retries * 30, 600))
    return done


@shared_task
def monthly_cancels_sweep() -> int:
    """Beat: cancellations Stripe has not confirmed yet are asked again."""
    from fundraising.services.monthly import monthly_cancels_sweep as sweep

    return sweep()


@shared_task
def donations_pending_expire() -> int:
    """Beat, hourly: pending donations past Checkout's 24 hours end unpaid."""
    from fundraising.services.checkout import donations_pending_expire as sweep

    return sweep()


@shared_task
def gift_aid_retention_sweep() -> int:
    """Beat, daily: erased donors' declarations go after HMRC's six years."""
    from fundraising.privacy import gift_aid_retention_sweep as sweep

    return sweep()
