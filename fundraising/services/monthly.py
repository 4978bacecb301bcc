"""Stopping a monthly gift from our side (the donor's erasure).

A donor who stops their own gift does it in Stripe's customer portal (the
"manage" link in every monthly receipt); Stripe then sends
``customer.subscription.deleted``, which ends the gift here. When we are the
ones who must stop it (the donor asked us to erase them), erasure marks the
gift ``subscription_cancel_requested_at`` in its transaction and, after
commit, ``monthly_gift_cancel`` asks Stripe to cancel the subscription. A
Stripe outage cannot leave it charging: ``monthly_cancels_sweep`` (beat)
retries every requested cancellation that has not ended yet.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from fundraising import gateway
from fundraising.models import Donation

from .totals import donation_facts_merge

logger = logging.getLogger(__name__)


def monthly_gift_cancel(*, donation_id: int) -> bool:
    """Cancel the gift's Stripe subscription; True once nothing is left to do
    (ended, or no subscription), False if Stripe must be asked again."""
    donation = Donation.objects.filter(pk=donation_id, parent__isnull=True).first()
    if donation is None or not donation.subscription_id:
        return True
    if donation.subscription_ended_at:
        return True
    try:
        subscription = gateway.subscription_cancel(donation.subscription_id)
    except gateway.GatewayError:
        logger.warning("Could not cancel monthly gift %s; will retry", donation_id)
        return False
    ended = None
    if subscription is None or subscription.get("status") == "canceled":
        seconds = (subscription or {}).get("ended_at") or (subscription or {}).get(
            "canceled_at"
        )
        ended = (
            datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
            if isinstance(seconds, int)
            else timezone.now()
        )
        donation_facts_merge(donation_id=donation.pk, subscription_ended_at=ended)
    logger.info("Monthly gift %s cancelled at Stripe", donation_id)
    return ended is not None


def monthly_cancels_enqueue(donation_ids) -> None:
    """After commit: one task per gift (in-process without a broker)."""
    from kombu.exceptions import OperationalError as BrokerError

    from fundraising.tasks import monthly_gift_cancel as task

    for donation_id in donation_ids:
        try:
            task.delay(donation_id)
        except (BrokerError, OSError):
            logger.warning("Broker unreachable; the sweep cancels gift %s", donation_id)


def monthly_cancels_sweep() -> int:
    """Beat: retry cancellations Stripe has not confirmed yet."""
    waiting = Donation.objects.filter(
        parent__isnull=True,
        subscription_cancel_requested_at__isnull=False,
        subscription_ended_at__isnull=True,
    ).values_list("pk", flat=True)
    return sum(monthly_gift_cancel(donation_id=pk) for pk in list(waiting[:500]))
