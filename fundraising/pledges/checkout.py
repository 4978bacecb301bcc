""" "Give now": open Stripe Checkout for a pledge through the donations service.

    pledge_checkout_open(*, pledge_id, cancel_url) -> str (the Checkout URL)
        raises PledgeStateError (message safe to show) when the pledge cannot
        be paid, and fundraising's CheckoutUnavailable when cards are off.
    pledge_checkout_close(*, pledge_id) -> bool
        expires an open session after the pledge is cancelled

A second click (or the second reminder's link) reuses the same Checkout
Session: the donation's ``checkout_key`` is the pledge and its "round", and
fundraising returns the existing session for a known key. Only when Stripe
says that session has expired unpaid does the round move on and a new
session open, so at most one payable session exists per pledge at a time.
"""

from __future__ import annotations

import logging

from django.db.models import F

from fundraising import gateway
from fundraising.models import Donation
from fundraising.services.checkout import CheckoutUnavailable, donation_checkout_start

from .models import Pledge
from .services import PledgeStateError

Status = Pledge.Status
logger = logging.getLogger(__name__)

NOT_PAYABLE = {
    Status.UNCONFIRMED: "Please confirm your pledge first, using the link in the "
    "email we sent you.",
    Status.FULFILLED: "You've already given this pledge. Thank you!",
    Status.CANCELLED: "This pledge was cancelled, so there is nothing to pay. "
    "You can still give from the appeal page.",
    Status.EXPIRED: "This pledge has lapsed, so there is nothing to pay. "
    "You can still give from the appeal page.",
    Status.RELEASED: "This appeal has closed and we released your pledge, so "
    "there is nothing to pay. Thank you for standing with us.",
}
APPEAL_CLOSED = (
    "This appeal has closed, so it is not taking payments and there is nothing "
    "to pay for this pledge now. We'll email you if we move your pledge to "
    "another appeal or release it. Thank you for standing with us."
)


def _checkout_key(pledge: Pledge) -> str:
    return f"pledge-{pledge.pk}-{pledge.checkout_round}"


def _reusable(pledge: Pledge) -> str | None:
    """The current round's session URL if it can still be paid; moves to a
    new round if it expired; refuses if it was paid (webhook on its way)."""
    donation = Donation.objects.filter(checkout_key=_checkout_key(pledge)).first()
    if donation is None or not donation.checkout_session_id:
        return None
    try:
        session = gateway.checkout_session_retrieve(donation.checkout_session_id)
    except gateway.GatewayError as error:
        raise CheckoutUnavailable(str(error)) from error
    status = (session or {}).get("status")
    if status == "open":
        return donation.checkout_url
    if status == "complete" or donation.paid_at:
        raise PledgeStateError(
            "We've received your payment for this pledge and are confirming it. "
            "Thank you! You'll get a receipt by email shortly."
        )
    # Expired (or unknown to Stripe): the next click opens a fresh session.
    Pledge.objects.filter(pk=pledge.pk, checkout_round=pledge.checkout_round).update(
        checkout_round=F("checkout_round") + 1
    )
    pledge.refresh_from_db(fields=["checkout_round"])
    return None


def pledge_checkout_close(*, pledge_id: int) -> bool:
    """Expire the pledge's open Checkout Session, if any (after a cancel), so
    a page left open in another tab cannot pay a cancelled pledge. Best
    effort: returns False if Stripe could not be asked."""
    pledge = Pledge.objects.filter(pk=pledge_id).first()
    if pledge is None:
        return False
    donation = Donation.objects.filter(
        checkout_key=_checkout_key(pledge), paid_at__isnull=True
    ).first()
    if donation is None or not donation.checkout_session_id:
        return True
    try:
        session = gateway.checkout_session_retrieve(donation.checkout_session_id)
        if session and session.get("status") == "open":
            gateway.checkout_session_expire(donation.checkout_session_id)
    except gateway.GatewayError:
        logger.warning("Could not expire the Checkout of pledge %s", pledge_id)
        return False
    return True


def pledge_checkout_open(*, pledge_id: int, cancel_url: str) -> str:
    pledge = Pledge.objects.select_related("appeal", "supporter").get(pk=pledge_id)
    if pledge.status != Status.CONFIRMED:
        raise PledgeStateError(
            NOT_PAYABLE.get(pledge.status, "This pledge can't be paid.")
        )
    if not pledge.appeal.is_open:
        raise PledgeStateError(APPEAL_CLOSED)  # the truth, not "try later"
    url = _reusable(pledge)
    if url:
        return url
    donation = donation_checkout_start(
        appeal=pledge.appeal,
        supporter=pledge.supporter,
        amount_pence=pledge.amount_pence,
        frequency=Donation.Frequency.ONE_OFF,
        checkout_key=_checkout_key(pledge),
        cancel_url=cancel_url,
        metadata={"pledge_id": str(pledge.pk)},
    )
    return donation.checkout_url
