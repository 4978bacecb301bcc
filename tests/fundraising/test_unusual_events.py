"""Stripe events and calls off the happy path: shapes Stripe may send (an
expanded payment intent, a renewal whose metadata is missing, an invoice or a
refund without the field that matters), a worker applying an event twice,
reconciling a session nobody recorded, and refusals of the checkout service."""

from __future__ import annotations

import io
import json
import time
import uuid

import pytest
from django.core.management import call_command

from fundraising import gateway
from fundraising.models import Donation, GiftAidDeclaration, StripeEvent
from fundraising.services.checkout import CheckoutUnavailable, donation_checkout_start
from fundraising.services.events import stripe_event_apply
from fundraising.stripe_double import fixture, sign

from .conftest import start_gift

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_double"


def deliver(client, capture, kind: str, obj: dict) -> StripeEvent:
    """Sign and post one event to the webhook as Stripe would; return it
    as stored once the worker applied it."""
    event_id = f"evt_{uuid.uuid4().hex[:20]}"
    event = fixture("event", id=event_id, type=kind, created=int(time.time()))
    event["data"] = {"object": obj}
    body = json.dumps(event).encode()
    with capture(execute=True):
        response = client.post(
            "/stripe/webhook/",
            data=body,
            content_type="application/json",
            headers={"Stripe-Signature": sign(body, SECRET)},
        )
    assert response.status_code == 200
    return StripeEvent.objects.get(event_id=event_id)


def raised(appeal) -> int:
    appeal.refresh_from_db()
    return appeal.raised_pence


@pytest.fixture
def paid_gift(stripe_double, appeal, donor):
    donation = start_gift(appeal, donor, 4000)
    stripe_double.pay(donation.checkout_session_id)
    donation.refresh_from_db()
    assert donation.status == "succeeded"
    return donation


def test_refund_naming_an_expanded_payment_intent_refunds_that_gift(
    client, paid_gift, appeal, django_capture_on_commit_callbacks
):
    charge = {
        "id": "ch_expanded_1",
        "object": "charge",
        "payment_intent": {
            "id": paid_gift.payment_intent_id,
            "object": "payment_intent",
        },
        "amount": 4000,
        "amount_refunded": 1500,
    }
    event = deliver(
        client, django_capture_on_commit_callbacks, "charge.refunded", charge
    )
    assert event.processed_at is not None
    paid_gift.refresh_from_db()
    assert (paid_gift.status, paid_gift.refunded_pence) == ("partly_refunded", 1500)
    assert raised(appeal) == 2500


def test_refund_event_without_a_refunded_amount_changes_nothing(
    client, paid_gift, appeal, django_capture_on_commit_callbacks
):
    charge = {
        "id": "ch_no_amount",
        "object": "charge",
        "payment_intent": paid_gift.payment_intent_id,
        "amount": 4000,
    }
    event = deliver(
        client, django_capture_on_commit_callbacks, "charge.refunded", charge
    )
    assert event.outcome == "ignored: no refund amount"
    paid_gift.refresh_from_db()
    assert (paid_gift.status, paid_gift.refunded_pence) == ("succeeded", 0)
    assert raised(appeal) == 4000


def test_invoice_without_an_id_or_for_an_unknown_subscription_is_ignored(
    client, stripe_double, appeal, mailoutbox, django_capture_on_commit_callbacks
):
    nameless = deliver(
        client,
        django_capture_on_commit_callbacks,
        "invoice.paid",
        {"object": "invoice", "amount_paid": 1000, "subscription": "sub_nobody"},
    )
    assert nameless.outcome == "ignored: invoice without id"
    failed = deliver(
        client,
        django_capture_on_commit_callbacks,
        "invoice.payment_failed",
        {"id": "in_nobody", "object": "invoice", "subscription": "sub_nobody"},
    )
    assert failed.outcome == "ignored: no matching monthly gift"
    assert not Donation.objects.exists()
    assert raised(appeal) == 0
    assert mailoutbox == []


def test_renewal_without_metadata_is_matched_by_subscription_and_drops_one_off_gift_aid(
    client, stripe_double, appeal, donor, django_capture_on_commit_callbacks
):
    declaration = GiftAidDeclaration.objects.create(
        supporter=donor,
        first_name="Ada",
        last_name="Lovelace",
        house="12",
        postcode="SW1A 1AA",
        scope=GiftAidDeclaration.Scope.THIS_GIFT,
    )
    first = start_gift(
        appeal, donor, 1000, frequency="monthly", gift_aid_declaration=declaration
    )
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    assert first.gift_aid_declaration == declaration

    event = deliver(
        client,
        django_capture_on_commit_callbacks,
        "invoice.paid",
        {
            "id": "in_renewal_2",
            "object": "invoice",
            "billing_reason": "subscription_cycle",
            "subscription": first.subscription_id,
            "customer": first.customer_id,
            "amount_paid": 1000,
            "currency": "gbp",
            "status_transitions": {"paid_at": int(time.time())},
        },
    )
    instalment = Donation.objects.get(invoice_id="in_renewal_2")
    assert event.outcome == f"donation {instalment.pk}: succeeded"
    assert instalment.parent == first
    assert instalment.gift_aid_declaration is None  # "this gift only"
    assert raised(appeal) == 2000


def test_a_worker_applying_an_applied_event_again_changes_nothing(
    paid_gift, appeal, mailoutbox
):
    event = StripeEvent.objects.get(type="checkout.session.completed")
    receipts = len(mailoutbox)
    assert stripe_event_apply(event_pk=event.pk) == event.outcome
    event.refresh_from_db()
    assert event.attempts == 1
    assert raised(appeal) == 4000
    assert Donation.objects.count() == 1
    assert len(mailoutbox) == receipts


def test_reconcile_lists_a_paid_looking_session_with_no_donation_row(
    stripe_double, appeal
):
    orphan = gateway.checkout_session_create(
        params={
            "mode": "payment",
            "success_url": "http://testserver/donate/thanks/",
            "cancel_url": "http://testserver/donate/",
            "metadata": {"donation_id": "99999"},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "gbp",
                        "unit_amount": 500,
                        "product_data": {"name": "Donation"},
                    },
                }
            ],
        },
        idempotency_key=uuid.uuid4().hex,
    )
    out = io.StringIO()
    call_command("reconcile_stripe", stdout=out)
    assert f"Session with no donation here: {orphan['id']}" in out.getvalue()
    assert not Donation.objects.exists()


def test_checkout_for_someone_unknown_asks_stripe_for_no_email(stripe_double, appeal):
    donation = start_gift(appeal, None, 1500)
    session = gateway.checkout_session_retrieve(donation.checkout_session_id)
    assert session["customer_email"] is None
    assert session["amount_total"] == 1500
    assert donation.supporter_id is None


def test_checkout_is_refused_for_a_closed_appeal_or_without_keys(
    stripe_double, appeal, donor, settings
):
    type(appeal).objects.filter(pk=appeal.pk).update(is_open=False)
    appeal.refresh_from_db()
    with pytest.raises(CheckoutUnavailable, match="This appeal is closed"):
        start_gift(appeal, donor)
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CheckoutUnavailable, match="Card payments are not set up"):
        start_gift(None, donor)
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"amount_pence": 0}, "amount_pence must be a positive integer"),
        ({"amount_pence": 25.5}, "amount_pence must be a positive integer"),
        ({"frequency": "weekly"}, "Unknown frequency 'weekly'"),
        ({"checkout_key": ""}, "checkout_key must be 1 to 100 characters"),
        ({"checkout_key": "k" * 101}, "checkout_key must be 1 to 100 characters"),
        ({"metadata": {"donation_id": "7"}}, "metadata may not set donation_id"),
    ],
)
def test_checkout_service_refuses_bad_arguments_and_writes_nothing(
    stripe_double, appeal, donor, changes, message
):
    arguments = {
        "appeal": appeal,
        "supporter": donor,
        "amount_pence": 2500,
        "frequency": "one_off",
        "checkout_key": uuid.uuid4().hex,
        "cancel_url": "http://testserver/donate/",
        **changes,
    }
    with pytest.raises(ValueError, match=message):
        donation_checkout_start(**arguments)
    assert not Donation.objects.exists()
    assert stripe_double.state.events == []


def test_manage_link_of_a_gift_with_no_stripe_customer_is_refused_politely(
    client, stripe_double, appeal, donor
):
    from fundraising.services.receipts import donation_manage_url

    pending = start_gift(appeal, donor, 1000, frequency="monthly")
    link = donation_manage_url(pending).removeprefix("http://testserver")
    response = client.get(link)
    assert response.status_code == 400
    assert "portal" not in response.get("Location", "")
    assert "This link is not valid" in response.content.decode()


def test_failed_monthly_payment_of_an_erased_donor_emails_nobody(
    stripe_double, appeal, donor, mailoutbox
):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    Donation.objects.filter(pk=first.pk).update(supporter=None)  # erased since
    mailoutbox.clear()
    stripe_double.renew(first.subscription_id, paid=False)
    event = StripeEvent.objects.get(type="invoice.payment_failed")
    assert event.processed_at is not None
    assert mailoutbox == []
    assert raised(appeal) == 1000
