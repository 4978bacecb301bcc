"""Starting a card gift: a pending Donation, then a Stripe Checkout Session.

``donation_checkout_start`` is also what pledges use to open Checkout for a
pledge ("give now"): pass ``checkout_key`` (the same key returns the same
donation and the same session, so a double click or a reloaded link never
makes a second one) and ``metadata`` such as ``{"pledge_id": "12"}``, which
is kept on the donation and sent to Stripe.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fundraising import gateway
from fundraising.models import Appeal, Donation, GiftAidDeclaration

logger = logging.getLogger(__name__)

# Stripe's standard UK card pricing (1.5% + 20p): the "cover the fees" top-up
# grosses the gift up so that, after fees, the appeal receives the amount.
FEE_BASIS_POINTS = 150
FEE_FIXED_PENCE = 20
METADATA_RESERVED = {"donation_id"}
# Stripe closes an unpaid Checkout Session 24 hours after creating it.
CHECKOUT_SESSION_LIFETIME = datetime.timedelta(hours=24)


class CheckoutUnavailable(Exception):
    """Card payments cannot start now (no keys, or Stripe unreachable)."""


def fee_cover_pence(amount_pence: int) -> int:
    gross = -(-(amount_pence + FEE_FIXED_PENCE) * 10_000 // (10_000 - FEE_BASIS_POINTS))
    return gross - amount_pence


def _absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


def gift_aid_declaration_create(
    *, supporter, first_name, last_name, house, address, postcode, scope
) -> GiftAidDeclaration:
    return GiftAidDeclaration.objects.create(
        supporter=supporter,
        first_name=first_name,
        last_name=last_name,
        house=house,
        address=address,
        postcode=postcode.upper(),
        scope=scope,
    )


def _checkout_params(donation: Donation, *, success_url: str, cancel_url: str) -> dict:
    appeal = donation.appeal
    metadata = {**donation.metadata, "donation_id": str(donation.pk)}
    price: dict = {
        "currency": donation.currency.lower(),
        "unit_amount": donation.amount_pence,
        "product_data": {
            "name": f"Donation to {appeal.name}" if appeal else "Donation",
        },
    }
    params: dict = {
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
        "line_items": [{"quantity": 1, "price_data": price}],
    }
    if donation.supporter_id:
        params["customer_email"] = donation.supporter.email
    if donation.is_monthly:
        price["recurring"] = {"interval": "month"}
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"metadata": metadata}
    return params


def donation_checkout_start(
    *,
    appeal: Appeal | None,
    supporter,
    amount_pence: int,
    frequency: str,
    checkout_key: str,
    cancel_url: str,
    success_url: str | None = None,
    fee_cover_pence: int = 0,
    gift_aid_declaration: GiftAidDeclaration | None = None,
    metadata: dict | None = None,
    updates_soft_opt_in: bool = False,
) -> Donation:
    """Create (or find, by ``checkout_key``) the pending donation and its
    Checkout Session; redirect the donor to ``donation.checkout_url``."""
    if not isinstance(amount_pence, int) or amount_pence <= 0:
        raise ValueError("amount_pence must be a positive integer")
    if frequency not in Donation.Frequency.values:
        raise ValueError(f"Unknown frequency {frequency!r}")
    if not checkout_key or len(checkout_key) > 100:
        raise ValueError("checkout_key must be 1 to 100 characters")
    metadata = {str(k): str(v) for k, v in (metadata or {}).items()}
    if METADATA_RESERVED & set(metadata):
        raise ValueError("metadata may not set donation_id")
    if appeal is not None and not appeal.is_open:
        raise CheckoutUnavailable("This appeal is closed")
    if not gateway.is_configured():
        raise CheckoutUnavailable("Card payments are not set up")
    try:
        with transaction.atomic():
            donation, _ = Donation.objects.get_or_create(
                checkout_key=checkout_key,
                defaults={
                    "appeal": appeal,
                    "supporter": supporter,
                    "amount_pence": amount_pence,
                    "fee_cover_pence": fee_cover_pence,
                    "currency": appeal.currency if appeal else "GBP",
                    "frequency": frequency,
                    "gift_aid_declaration": gift_aid_declaration,
                    "metadata": metadata,
                    "updates_soft_opt_in": updates_soft_opt_in,
                },
            )
    except IntegrityError:  # created by a concurrent double click
        donation = Donation.objects.get(checkout_key=checkout_key)
    if donation.checkout_url:
        return donation
    success_url = success_url or (
        _absolute(reverse("fundraising:thanks")) + "?session_id={CHECKOUT_SESSION_ID}"
    )
    # The Stripe call happens outside any transaction; its idempotency key
    # makes a retry (or the concurrent twin of a double click) get the same
    # session back.
    try:
        session = gateway.checkout_session_create(
            params=_checkout_params(
                donation, success_url=success_url, cancel_url=cancel_url
            ),
            idempotency_key=f"donation-checkout-{donation.pk}",
        )
    except gateway.GatewayError as error:
        # No session exists for it (Stripe answered with an error or not at
        # all), so the pending donation would only dangle: remove it. A retry
        # with the same checkout key starts afresh.
        Donation.objects.filter(
            pk=donation.pk,
            status=Donation.Status.PENDING,
            checkout_session_id__isnull=True,
        ).delete()
        raise CheckoutUnavailable(str(error)) from error
    Donation.objects.filter(pk=donation.pk, checkout_url="").update(
        checkout_session_id=session["id"], checkout_url=session["url"]
    )
    donation.refresh_from_db()
    return donation


def donations_pending_expire(*, now: datetime.datetime | None = None) -> int:
    """Beat: end pending donations whose Checkout Session has outlived Stripe's
    24 hours, for the sessions whose ``checkout.session.expired`` we never
    received (webhook not subscribed, or lost). A donation whose session was
    completed (a bank payment still settling, a subscription) is left alone:
    it has a payment intent or subscription and its own events to come."""
    from .totals import donation_facts_merge

    now = now or timezone.now()
    stale = Donation.objects.filter(
        parent__isnull=True,
        paid_at__isnull=True,
        failed_at__isnull=True,
        expired_at__isnull=True,
        payment_intent_id__isnull=True,
        subscription_id="",
        created_at__lt=now - CHECKOUT_SESSION_LIFETIME,
    ).values_list("pk", flat=True)
    count = 0
    for donation_id in list(stale[:5000]):
        donation_facts_merge(donation_id=donation_id, expired_at=now)
        count += 1
    if count:
        logger.info("Expired %d pending donation(s) past Checkout's lifetime", count)
    return count


def checkout_sessions_close(*, donation_ids) -> None:
    """Best effort, after commit: expire the still-open Checkout Sessions of
    these donations, so a page left open cannot take a payment we no longer
    want (an erased donor's, a closed appeal's)."""
    sessions = Donation.objects.filter(
        pk__in=list(donation_ids),
        paid_at__isnull=True,
        checkout_session_id__isnull=False,
    ).values_list("checkout_session_id", flat=True)
    for session_id in list(sessions):
        try:
            session = gateway.checkout_session_retrieve(session_id)
            if session and session.get("status") == "open":
                gateway.checkout_session_expire(session_id)
        except gateway.GatewayError:
            logger.warning("Could not expire Checkout Session of a donation")
