"""Whole donation flows through the real SDK, the Stripe double and signed
webhooks: one-off, delayed bank payments, monthly gifts, refunds, disputes."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import call_command

from fundraising.models import Donation, StripeEvent
from fundraising.services.events import stripe_event_apply, stripe_event_record
from tests.fundraising.conftest import start_gift

pytestmark = pytest.mark.django_db


def receipts(mailoutbox):
    return [m for m in mailoutbox if "Thank you for your" in m.subject]


def test_one_off_gift_paid_moves_the_total_and_sends_one_receipt(
    stripe_double, appeal, donor, mailoutbox
):
    donation = start_gift(appeal, donor, 2500)
    assert donation.status == "pending"
    assert donation.checkout_url.startswith(stripe_double.url)

    stripe_double.pay(donation.checkout_session_id)

    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "succeeded"
    assert donation.payment_intent_id.startswith("pi_")
    assert appeal.raised_pence == appeal.stripe_pence == 2500
    assert appeal.donor_count == 1
    assert all(status == 200 for _, status in stripe_double.deliveries)
    [receipt] = receipts(mailoutbox)
    assert receipt.to == ["ada@example.org"]
    assert "£25" in receipt.body
    assert "Judicial review fund" in receipt.body


def test_checkout_sends_amount_mode_and_donation_id_to_stripe(
    stripe_double, appeal, donor
):
    donation = start_gift(appeal, donor, 1234, frequency="monthly")
    [(_method, _path, params)] = [
        r for r in stripe_double.state.requests if r[1] == "/v1/checkout/sessions"
    ]
    assert params["mode"] == "subscription"
    price = params["line_items"][0]["price_data"]
    assert price["unit_amount"] == "1234"
    assert price["recurring"]["interval"] == "month"
    assert params["metadata"]["donation_id"] == str(donation.pk)
    assert params["subscription_data"]["metadata"]["donation_id"] == str(donation.pk)


def test_one_off_checkout_puts_the_donation_id_on_the_payment_too(
    stripe_double, appeal, donor
):
    donation = start_gift(appeal, donor, 2500)
    [(_method, _path, params)] = [
        r for r in stripe_double.state.requests if r[1] == "/v1/checkout/sessions"
    ]
    assert (params["mode"], params["submit_type"]) == ("payment", "donate")
    assert "recurring" not in params["line_items"][0]["price_data"]
    # Refunds and disputes carry the payment's metadata, not the session's.
    assert params["payment_intent_data"]["metadata"]["donation_id"] == str(donation.pk)


def test_same_checkout_key_returns_the_same_session(stripe_double, appeal, donor):
    first = start_gift(appeal, donor, 2500, checkout_key="double-click")
    second = start_gift(appeal, donor, 2500, checkout_key="double-click")
    assert first.pk == second.pk
    assert first.checkout_session_id == second.checkout_session_id
    assert len(stripe_double.sessions()) == 1


def test_second_gift_from_the_same_donor_counts_them_once(stripe_double, appeal, donor):
    for amount in (1000, 2000):
        stripe_double.pay(start_gift(appeal, donor, amount).checkout_session_id)
    appeal.refresh_from_db()
    assert appeal.raised_pence == 3000
    assert appeal.donor_count == 1


def test_delayed_bank_payment_is_pending_until_it_settles(
    stripe_double, appeal, donor, mailoutbox
):
    donation = start_gift(appeal, donor, 5000)
    stripe_double.pay(donation.checkout_session_id, "delay")
    donation.refresh_from_db()
    assert donation.status == "pending"
    assert not receipts(mailoutbox)

    stripe_double.settle(donation.checkout_session_id, succeeded=True)
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "succeeded"
    assert appeal.raised_pence == 5000
    assert len(receipts(mailoutbox)) == 1


def test_delayed_bank_payment_that_fails_marks_the_gift_failed(
    stripe_double, appeal, donor
):
    donation = start_gift(appeal, donor, 5000)
    stripe_double.pay(donation.checkout_session_id, "delay")
    stripe_double.settle(donation.checkout_session_id, succeeded=False)
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "failed"
    assert appeal.raised_pence == 0


def test_declined_card_changes_nothing(stripe_double, appeal, donor):
    donation = start_gift(appeal, donor, 5000)
    stripe_double.pay(donation.checkout_session_id, "decline")
    donation.refresh_from_db()
    assert donation.status == "pending"
    # The double announced the failed attempt; it is stored and ignored.
    event = StripeEvent.objects.get(type="payment_intent.payment_failed")
    assert event.outcome == "ignored: type not handled"


def test_monthly_gift_adds_an_instalment_each_month(
    stripe_double, appeal, donor, mailoutbox
):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    assert first.status == "succeeded"
    assert first.subscription_id.startswith("sub_")
    assert first.invoice_id.startswith("in_")

    stripe_double.renew(first.subscription_id)
    stripe_double.renew(first.subscription_id)

    instalments = first.instalments.order_by("pk")
    assert [d.status for d in instalments] == ["succeeded", "succeeded"]
    appeal.refresh_from_db()
    assert appeal.raised_pence == 3000
    assert appeal.donor_count == 1
    assert len(receipts(mailoutbox)) == 3
    assert "/donate/manage/" in receipts(mailoutbox)[0].body


def last_invoice_paid(stripe_double) -> dict:
    events = [e for e in stripe_double.state.events if e["type"] == "invoice.paid"]
    return copy.deepcopy(events[-1])


def apply_late(event: dict) -> StripeEvent:
    """Store and apply one event by hand (it was not delivered on time)."""
    row, _ = stripe_event_record(event=event)
    stripe_event_apply(event_pk=row.pk)
    row.refresh_from_db()
    return row


def test_first_month_paid_before_checkout_completes_in_the_older_invoice_shape(
    stripe_double, appeal, donor
):
    gift = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.deliver_to = None  # the events arrive later, out of order
    stripe_double.pay(gift.checkout_session_id)
    event = last_invoice_paid(stripe_double)
    invoice = event["data"]["object"]
    del invoice["parent"]  # API versions before 2025 have no "parent"
    apply_late(event)
    gift.refresh_from_db()
    appeal.refresh_from_db()
    assert gift.status == "succeeded"
    assert gift.subscription_id == invoice["subscription"]
    assert appeal.raised_pence == 1000


def test_month_without_a_donation_id_is_found_by_its_subscription(
    stripe_double, appeal, donor
):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    stripe_double.renew(first.subscription_id)  # month two, as usual
    stripe_double.deliver_to = None
    stripe_double.renew(first.subscription_id)
    event = last_invoice_paid(stripe_double)
    invoice = event["data"]["object"]
    del invoice["subscription_details"]
    invoice["parent"]["subscription_details"]["metadata"] = {}
    apply_late(event)
    third = Donation.objects.get(invoice_id=invoice["id"])
    assert third.parent_id == first.pk  # not month two's row
    assert [d.status for d in first.instalments.all()] == ["succeeded"] * 2
    appeal.refresh_from_db()
    assert appeal.raised_pence == 3000


def test_failed_monthly_payment_emails_a_card_update_link(
    stripe_double, appeal, donor, mailoutbox, client
):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    stripe_double.renew(Donation.objects.get(pk=first.pk).subscription_id, paid=False)

    [failed] = [m for m in mailoutbox if "could not be taken" in m.subject]
    link = next(w for w in failed.body.split() if "/donate/manage/" in w)
    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 303
    assert response["Location"].startswith(f"{stripe_double.url}/portal/")
    appeal.refresh_from_db()
    assert appeal.raised_pence == 1000


def test_cancelled_subscription_ends_the_monthly_gift(stripe_double, appeal, donor):
    first = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    stripe_double.cancel(first.subscription_id)
    first.refresh_from_db()
    assert first.subscription_ended_at is not None
    assert first.status == "succeeded"  # what was paid stays paid


def _cancelled_monthly_gift_event(stripe_double, appeal, donor):
    """A paid monthly gift cancelled at Stripe, and the (undelivered)
    customer.subscription.deleted event, for a test to reshape and apply."""
    gift = start_gift(appeal, donor, 1000, frequency="monthly")
    stripe_double.pay(gift.checkout_session_id)
    gift.refresh_from_db()
    stripe_double.deliver_to = None
    stripe_double.cancel(gift.subscription_id)
    [event] = [
        copy.deepcopy(e)
        for e in stripe_double.state.events
        if e["type"] == "customer.subscription.deleted"
    ]
    return gift, event


def test_ending_a_subscription_nobody_gave_through_changes_nothing(
    stripe_double, appeal, donor
):
    gift, event = _cancelled_monthly_gift_event(stripe_double, appeal, donor)
    event["data"]["object"].update(id="sub_someone_else", metadata={})
    row = apply_late(event)
    assert row.processed_at is not None
    assert row.outcome == "ignored: no matching monthly gift"
    gift.refresh_from_db()
    assert gift.subscription_ended_at is None


def test_subscription_end_found_by_its_id_keeps_stripes_end_time(
    stripe_double, appeal, donor
):
    gift, event = _cancelled_monthly_gift_event(stripe_double, appeal, donor)
    ended = event["created"] - 3 * 86400  # ended days before the event was sent
    event["data"]["object"].update(metadata={}, ended_at=ended)
    row = apply_late(event)
    assert row.outcome == f"donation {gift.pk}: monthly gift ended"
    gift.refresh_from_db()
    assert gift.subscription_ended_at.timestamp() == ended


@pytest.mark.parametrize("refunded", [None, "1500", -1])
def test_refund_event_without_a_usable_amount_changes_nothing(
    stripe_double, appeal, donor, refunded
):
    donation = start_gift(appeal, donor, 4000)
    stripe_double.pay(donation.checkout_session_id)
    donation.refresh_from_db()
    stripe_double.deliver_to = None
    charge_id = stripe_double.state.get(donation.payment_intent_id)["latest_charge"]
    stripe_double.refund(charge_id, 1500)
    [event] = [
        copy.deepcopy(e)
        for e in stripe_double.state.events
        if e["type"] == "charge.refunded"
    ]
    event["id"] += "-garbled"
    event["data"]["object"]["amount_refunded"] = refunded
    row = apply_late(event)
    assert row.outcome == "ignored: no refund amount"
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert (donation.status, donation.refunded_pence) == ("succeeded", 0)
    assert appeal.raised_pence == 4000


def test_partial_then_full_refund(stripe_double, appeal, donor):
    donation = start_gift(appeal, donor, 4000)
    stripe_double.pay(donation.checkout_session_id)
    charge = stripe_double.state.get(
        stripe_double.state.get(Donation.objects.get(pk=donation.pk).payment_intent_id)[
            "latest_charge"
        ]
    )
    stripe_double.refund(charge["id"], 1500)
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "partly_refunded"
    assert appeal.raised_pence == 2500

    stripe_double.refund(charge["id"])
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "refunded"
    assert appeal.raised_pence == 0


@pytest.mark.parametrize(
    ("won", "status", "raised"), [(True, "succeeded", 4000), (False, "disputed", 0)]
)
def test_dispute_holds_the_money_until_it_closes(
    stripe_double, appeal, donor, won, status, raised
):
    donation = start_gift(appeal, donor, 4000)
    stripe_double.pay(donation.checkout_session_id)
    intent = stripe_double.state.get(
        Donation.objects.get(pk=donation.pk).payment_intent_id
    )
    dispute = stripe_double.dispute(intent["latest_charge"])
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "disputed"
    assert appeal.raised_pence == 0

    stripe_double.close_dispute(dispute["id"], won=won)
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == status
    assert appeal.raised_pence == raised


def test_recompute_reports_no_drift_after_real_flows_and_finds_tampering(
    stripe_double, appeal, donor
):
    stripe_double.pay(start_gift(appeal, donor, 2500).checkout_session_id)
    refunded = start_gift(appeal, donor, 1000)
    stripe_double.pay(refunded.checkout_session_id)
    refunded.refresh_from_db()
    stripe_double.refund(
        stripe_double.state.get(refunded.payment_intent_id)["latest_charge"]
    )
    out = io.StringIO()
    call_command("recompute_appeal_totals", stdout=out)
    assert "No drift" in out.getvalue()  # the refunded gift counts 0, not less

    type(appeal).objects.filter(pk=appeal.pk).update(raised_pence=1)
    out = io.StringIO()
    call_command("recompute_appeal_totals", "--fix", stdout=out)
    assert "raised_pence: stored 1, records say 2500 (fixed)" in out.getvalue()
    appeal.refresh_from_db()
    assert appeal.raised_pence == 2500


def test_reconcile_applies_events_the_webhook_missed(stripe_double, appeal, donor):
    donation = start_gift(appeal, donor, 2500)
    stripe_double.deliver_to = None  # the webhook endpoint was down
    stripe_double.pay(donation.checkout_session_id)
    assert Donation.objects.get(pk=donation.pk).status == "pending"

    out = io.StringIO()
    call_command("reconcile_stripe", stdout=out)

    assert "Applied missed event" in out.getvalue()
    assert Donation.objects.get(pk=donation.pk).status == "succeeded"
    out = io.StringIO()
    call_command("reconcile_stripe", stdout=out)
    assert "Nothing was missed" in out.getvalue()


def test_donation_succeeded_fires_once_per_paid_row_with_its_metadata(
    stripe_double, appeal, donor
):
    from fundraising.signals import donation_succeeded

    heard = []

    def listener(sender, donation, **kwargs):
        heard.append((donation.pk, donation.metadata))

    donation_succeeded.connect(listener)
    try:
        gift = start_gift(
            appeal, donor, 1000, frequency="monthly", metadata={"pledge_id": "12"}
        )
        stripe_double.pay(gift.checkout_session_id)
        stripe_double.renew(Donation.objects.get(pk=gift.pk).subscription_id)
        for event in list(stripe_double.state.events):
            stripe_double.send(event)  # Stripe retries: nothing fires again
    finally:
        donation_succeeded.disconnect(listener)
    instalment = Donation.objects.get(parent=gift)
    assert heard == [
        (gift.pk, {"pledge_id": "12"}),
        (instalment.pk, {"pledge_id": "12"}),
    ]
    session = stripe_double.state.get(gift.checkout_session_id)
    assert session["metadata"] == {"pledge_id": "12", "donation_id": str(gift.pk)}


def test_metadata_may_not_override_the_donation_id(stripe_double, appeal, donor):
    with pytest.raises(ValueError, match="donation_id"):
        start_gift(appeal, donor, 1000, metadata={"donation_id": "1"})
    assert not Donation.objects.exists()


def test_erasure_scrubs_the_donors_details_from_stored_stripe_events(
    stripe_double, appeal, donor
):
    from supporters.privacy import supporter_erase

    donation = start_gift(appeal, donor, 2500)
    stripe_double.pay(donation.checkout_session_id)
    stored = StripeEvent.objects.all()
    assert any("ada@example.org" in json.dumps(e.payload) for e in stored)

    supporter_erase(supporter=donor, source="test")

    for event in StripeEvent.objects.all():
        text = json.dumps(event.payload)
        assert "ada@example.org" not in text and "Lovelace" not in text
    donation.refresh_from_db()
    assert donation.amount_pence == 2500 and donation.supporter_id is None
