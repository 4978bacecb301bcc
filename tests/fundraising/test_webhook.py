"""POST /stripe/webhook/: signature checks, storage under the unique id,
duplicates, and bad input that must never change anything or answer 500."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.utils import timezone

from fundraising.models import Donation, StripeEvent
from fundraising.services.events import (
    stripe_event_failed,
    stripe_event_record,
    stripe_events_sweep,
)
from fundraising.stripe_double import fixture, sign
from tests.fundraising.conftest import start_gift

pytestmark = pytest.mark.django_db
URL = "/stripe/webhook/"
SECRET = "whsec_test_double"


def post(client, body: bytes, signature: str | None):
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def event_body(kind="checkout.session.completed", obj=None, event_id="evt_test_1"):
    event = fixture("event", id=event_id, type=kind, created=int(time.time()))
    event["data"] = {"object": obj or {"id": "cs_test_x", "object": "checkout.session"}}
    return json.dumps(event).encode()


@pytest.fixture
def completed_event(stripe_double, appeal, donor):
    """A real checkout.session.completed for a pending donation, not delivered."""
    donation = start_gift(appeal, donor, 2500)
    stripe_double.deliver_to = None
    stripe_double.pay(donation.checkout_session_id)
    [event] = [
        e
        for e in stripe_double.state.events
        if e["type"] == "checkout.session.completed"
    ]
    return donation, json.dumps(event).encode()


def assert_nothing_changed(donation, appeal):
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "pending"
    assert appeal.raised_pence == 0


def test_signed_event_is_stored_applied_and_answered_200(
    client, completed_event, appeal, django_capture_on_commit_callbacks
):
    donation, body = completed_event
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, sign(body, SECRET))
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    stored = StripeEvent.objects.get()
    assert stored.processed_at is not None
    assert stored.payload == json.loads(body)
    donation.refresh_from_db()
    assert donation.status == "succeeded"


def test_duplicate_stripe_event_is_ignored(
    client, completed_event, appeal, django_capture_on_commit_callbacks
):
    donation, body = completed_event
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, body, sign(body, SECRET))
        assert response.status_code == 200
    assert response.json()["duplicate"] is True
    assert StripeEvent.objects.count() == 1
    appeal.refresh_from_db()
    assert appeal.raised_pence == 2500
    assert donation.receipt_sent_at is None
    donation.refresh_from_db()
    assert donation.status == "succeeded"


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "garbage",
        "t=notanumber,v1=abc",
        "t=123",
        sign(b"another body", SECRET),
    ],
    ids=["missing", "empty", "garbage", "bad-timestamp", "no-v1", "other-body"],
)
def test_bad_or_missing_signature_is_refused_and_changes_nothing(
    client, completed_event, appeal, signature
):
    donation, body = completed_event
    response = post(client, body, signature)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert_nothing_changed(donation, appeal)


def test_signature_with_another_secret_is_refused(client, completed_event, appeal):
    donation, body = completed_event
    assert post(client, body, sign(body, "whsec_someone_else")).status_code == 400
    assert_nothing_changed(donation, appeal)


def test_stale_timestamp_is_refused(client, completed_event, appeal):
    donation, body = completed_event
    stale = sign(body, SECRET, timestamp=int(time.time()) - 301)
    assert post(client, body, stale).status_code == 400
    assert not StripeEvent.objects.exists()
    assert_nothing_changed(donation, appeal)


def test_timestamp_within_tolerance_is_accepted(client, completed_event):
    _donation, body = completed_event
    recent = sign(body, SECRET, timestamp=int(time.time()) - 250)
    assert post(client, body, recent).status_code == 200
    assert StripeEvent.objects.filter(type="checkout.session.completed").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"id": "evt_1"}',
        b'{"id": 5, "type": "x", "data": {}}',
        b"\xff\xfe",
        json.dumps({"id": "nope", "type": "x", "data": {"object": {}}}).encode(),
    ],
    ids=["empty", "broken", "list", "no-type", "bad-id", "not-utf8", "not-evt-id"],
)
def test_malformed_payload_is_refused_without_a_500(client, stripe_double, body):
    response = post(client, body, sign(body, SECRET) if body != b"\xff\xfe" else "t=1")
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_unknown_event_type_is_stored_and_ignored(
    client, stripe_double, django_capture_on_commit_callbacks
):
    body = event_body("customer.tax_id.created", {"id": "txi_1"})
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body, sign(body, SECRET)).status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.outcome == "ignored: type not handled"
    assert stored.processed_at is not None


def test_event_for_an_unknown_donation_is_acknowledged_and_changes_nothing(
    client, stripe_double, appeal, donor, django_capture_on_commit_callbacks
):
    pending = start_gift(appeal, donor, 2500)
    session = {
        "id": "cs_test_someone_elses",
        "object": "checkout.session",
        "payment_status": "paid",
        "metadata": {"donation_id": "999999"},
    }
    body = event_body(obj=session)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body, sign(body, SECRET)).status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored: no matching donation"
    assert_nothing_changed(pending, appeal)


def test_event_naming_a_donation_of_another_session_changes_nothing(
    client, stripe_double, appeal, donor, django_capture_on_commit_callbacks
):
    pending = start_gift(appeal, donor, 2500)
    session = {
        "id": "cs_test_forged",
        "object": "checkout.session",
        "payment_status": "paid",
        "metadata": {"donation_id": str(pending.pk)},
    }
    body = event_body(obj=session)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body, sign(body, SECRET)).status_code == 200
    assert_nothing_changed(pending, appeal)


def test_webhook_without_stripe_keys_answers_404(client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    body = event_body()
    assert post(client, body, sign(body, SECRET)).status_code == 404
    assert not StripeEvent.objects.exists()


def test_get_is_not_allowed(client, stripe_double):
    assert client.get(URL).status_code == 405


def test_refund_that_arrives_before_its_payment_waits_then_applies(
    stripe_double, appeal, donor
):
    """A refund for a monthly instalment overtakes the invoice.paid that
    creates the instalment: it waits, then applies once the payment is known."""
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    stripe_double.deliver_to, deliver = None, stripe_double.deliver_to
    invoice = stripe_double.renew(first.subscription_id)
    stripe_double.refund(invoice["charge"], 400)
    paid, refunded = stripe_double.state.events[-2:]
    stripe_double.deliver_to = deliver
    stripe_double.send(refunded)
    assert StripeEvent.objects.get(event_id=refunded["id"]).outcome.startswith(
        "waiting"
    )
    stripe_double.send(paid)
    instalment = Donation.objects.get(invoice_id=invoice["id"])
    assert instalment.status == "partly_refunded"
    appeal.refresh_from_db()
    assert appeal.raised_pence == 1000 + 600


@pytest.mark.parametrize(
    "event_id", ["evt_nul\u0000", "evt_ok"], ids=["nul-in-id", "nul-in-payload"]
)
def test_signed_event_with_unstorable_text_is_refused_not_a_500(
    client, stripe_double, event_id
):
    event = {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": {"\u0000": "\ud800"}},
    }
    body = json.dumps(event).encode()
    response = post(client, body, sign(body, SECRET))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_sweep_applies_a_stored_event_once_it_has_waited_two_minutes(
    completed_event, appeal, django_capture_on_commit_callbacks
):
    donation, body = completed_event
    # Stored while no worker took it (the broker was down): nothing applied.
    row, created = stripe_event_record(event=json.loads(body))
    assert created
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_events_sweep() == 0  # too recent: a worker may have it
    assert_nothing_changed(donation, appeal)

    StripeEvent.objects.filter(pk=row.pk).update(
        received_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_events_sweep() == 1
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "succeeded"
    assert appeal.raised_pence == 2500
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_events_sweep() == 0  # applied: nothing left to do
    assert appeal.raised_pence == 2500


def test_sweep_gives_up_on_an_event_after_fifty_failed_attempts(
    completed_event, appeal, django_capture_on_commit_callbacks
):
    donation, body = completed_event
    row, _ = stripe_event_record(event=json.loads(body))
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    StripeEvent.objects.filter(pk=row.pk).update(received_at=long_ago, attempts=50)
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_events_sweep() == 0
    assert_nothing_changed(donation, appeal)

    StripeEvent.objects.filter(pk=row.pk).update(attempts=49)
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_events_sweep() == 1
    donation.refresh_from_db()
    assert donation.status == "succeeded"


def test_a_failed_attempt_keeps_its_reason_for_staff_and_counts(completed_event):
    _, body = completed_event
    row, _ = stripe_event_record(event=json.loads(body))
    stripe_event_failed(event_pk=row.pk, error="Timeout: " + "x" * 3000)
    stripe_event_failed(event_pk=row.pk, error="ConnectionError('reset')")
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.error == "ConnectionError('reset')"
    stripe_event_failed(event_pk=row.pk, error="Timeout: " + "x" * 3000)
    row.refresh_from_db()
    assert row.error.startswith("Timeout: ") and len(row.error) == 2000


@pytest.mark.parametrize(
    ("payment_intent", "stored"),
    [
        ("pi_123", "pi_123"),
        ({"id": "pi_456", "object": "payment_intent"}, "pi_456"),  # expanded
        ({"object": "payment_intent"}, ""),
        (None, ""),
        (12, ""),
    ],
)
def test_stored_event_keeps_the_payment_intent_id_in_any_shape(payment_intent, stored):
    event = json.loads(
        event_body(obj={"id": "ch_1", "object": "charge", "payment_intent": None})
    )
    event["data"]["object"]["payment_intent"] = payment_intent
    row, _ = stripe_event_record(event=event)
    assert row.payment_intent_id == stored
    assert StripeEvent.objects.get(pk=row.pk).payment_intent_id == stored
