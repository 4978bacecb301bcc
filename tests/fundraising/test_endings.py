"""How gifts end: unpaid checkouts expire, erasure stops a monthly gift and
never trips over our own Gift Aid records, a failing card is chased once."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from fundraising.models import Donation, GiftAidDeclaration, StripeEvent
from fundraising.services.checkout import (
    donations_pending_expire,
    gift_aid_declaration_create,
)
from fundraising.stripe_double.objects import public
from supporters.models import Supporter
from supporters.privacy import supporter_erase
from tests.fundraising.conftest import start_gift

pytestmark = pytest.mark.django_db


def _declaration(donor):
    return gift_aid_declaration_create(
        supporter=donor,
        first_name="Ada",
        last_name="Lovelace",
        house="12",
        address="Analytical Row, London",
        postcode="nw1 1aa",
        scope="all",
    )


def test_expired_checkout_session_ends_the_pending_donation(
    stripe_double, appeal, donor
):
    donation = start_gift(appeal, donor, 2500)

    stripe_double.state.checkout_expire(donation.checkout_session_id)
    stripe_double.deliver_pending()

    donation.refresh_from_db()
    assert donation.status == "expired"
    assert StripeEvent.objects.get(type="checkout.session.expired").processed_at
    appeal.refresh_from_db()
    assert appeal.raised_pence == 0


def test_sweep_expires_pending_donations_older_than_a_checkout_session(
    stripe_double, appeal, donor
):
    old = start_gift(appeal, donor, 2500)
    settling = start_gift(appeal, donor, 4000)
    stripe_double.pay(settling.checkout_session_id, "delay")  # bank, settles later
    later = timezone.now() + datetime.timedelta(hours=25)
    fresh = start_gift(appeal, donor, 1000)
    Donation.objects.filter(pk=fresh.pk).update(created_at=later)

    assert donations_pending_expire(now=later) == 1

    statuses = dict(Donation.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", settling.pk: "pending", fresh.pk: "pending"}


def test_erasing_a_gift_aid_donor_who_never_paid_succeeds(
    stripe_double, appeal, donor, django_capture_on_commit_callbacks
):
    donation = start_gift(appeal, donor, 2500, gift_aid_declaration=_declaration(donor))

    with django_capture_on_commit_callbacks(execute=True):
        supporter_erase(supporter=donor, source="test")

    assert not Supporter.objects.filter(email="ada@example.org").exists()
    assert not GiftAidDeclaration.objects.exists()  # covered nothing paid
    donation.refresh_from_db()
    assert (donation.status, donation.supporter_id) == ("expired", None)
    # The Checkout page left open can no longer take the money.
    assert stripe_double.state.get(donation.checkout_session_id)["status"] == "expired"


def test_erasure_keeps_a_declaration_that_covers_a_paid_gift(
    stripe_double, appeal, donor
):
    declaration = _declaration(donor)
    paid = start_gift(appeal, donor, 2500, gift_aid_declaration=declaration)
    start_gift(appeal, donor, 1000, gift_aid_declaration=declaration)  # never paid
    stripe_double.pay(paid.checkout_session_id)

    supporter_erase(supporter=donor, source="test")

    declaration.refresh_from_db()
    assert declaration.supporter_id is None
    assert declaration.last_name == "Lovelace"  # HMRC: kept six years
    assert sorted(declaration.donations.values_list("status", flat=True)) == [
        "expired",
        "succeeded",
    ]


def test_erasing_a_monthly_donor_cancels_the_subscription_and_says_so(
    stripe_double, appeal, donor, django_capture_on_commit_callbacks
):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        notes = supporter_erase(supporter=donor, source="test")

    assert notes == [
        "Your monthly gift of £10 has been cancelled: no further payments will "
        "be taken."
    ]
    subscription = stripe_double.state.get(first.subscription_id)
    assert subscription["status"] == "canceled"
    first.refresh_from_db()
    assert first.subscription_ended_at is not None


def test_webhooks_after_erasure_store_no_personal_data_and_email_nobody(
    stripe_double, appeal, donor, mailoutbox
):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    supporter_erase(supporter=donor, source="test")
    mailoutbox.clear()

    # An invoice Stripe had already raised fails after the erasure.
    state = stripe_double.state
    invoice = state._invoice(
        state.get(first.subscription_id), reason="subscription_cycle", paid=False
    )
    state._event("invoice.payment_failed", public(invoice))
    stripe_double.deliver_pending()

    stored = json.dumps(StripeEvent.objects.get(type="invoice.payment_failed").payload)
    assert invoice["customer_email"] == "ada@example.org"
    assert "ada@example.org" not in stored
    assert mailoutbox == []


def test_a_failing_card_is_chased_once_per_failure_episode(
    stripe_double, appeal, donor, mailoutbox
):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()

    def card_emails():
        return [m for m in mailoutbox if "could not be taken" in m.subject]

    for _retry in range(3):  # Stripe's smart retries: three failures
        stripe_double.renew(first.subscription_id, paid=False)
    assert len(card_emails()) == 1

    stripe_double.renew(first.subscription_id)  # the card works again
    stripe_double.renew(first.subscription_id, paid=False)  # a new episode
    stripe_double.renew(first.subscription_id, paid=False)
    assert len(card_emails()) == 2


def test_monthly_cancel_sweep_retries_until_stripe_answers(
    stripe_double, appeal, donor, django_capture_on_commit_callbacks, settings
):
    from fundraising.services.monthly import monthly_cancels_sweep

    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    api = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    with django_capture_on_commit_callbacks(execute=True):
        supporter_erase(supporter=donor, source="test")
    assert stripe_double.state.get(first.subscription_id)["status"] == "active"

    settings.STRIPE_API_BASE = api
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        assert monthly_cancels_sweep() == 1

    assert stripe_double.state.get(first.subscription_id)["status"] == "canceled"
