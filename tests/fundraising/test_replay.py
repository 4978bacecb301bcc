"""Replay: every event delivered three times, shuffled (and, on PostgreSQL,
concurrently) ends in exactly the state of one ordered delivery."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from fundraising.models import Appeal, Donation, StripeEvent
from supporters.models import EmailMessageLog
from supporters.services import supporter_upsert
from tests.fundraising.conftest import start_gift


def build_scenario(double, appeal) -> list[dict]:
    """Gifts of every kind and fate; returns the events Stripe sent, in order."""
    deliver, double.deliver_to = double.deliver_to, None
    people = [
        supporter_upsert(email=f"donor{n}@example.org", source="test") for n in range(4)
    ]
    state = double.state

    def charge_of(donation):
        session = state.get(donation.checkout_session_id)
        return state.get(session["payment_intent"])["latest_charge"]

    refunded = start_gift(appeal, people[0], 2500)
    double.pay(refunded.checkout_session_id)
    double.refund(charge_of(refunded), 1000)

    lost = start_gift(appeal, people[1], 4000)
    double.pay(lost.checkout_session_id)
    double.close_dispute(double.dispute(charge_of(lost))["id"], won=False)

    won = start_gift(appeal, people[0], 1500)
    double.pay(won.checkout_session_id, "decline")
    double.pay(won.checkout_session_id)
    double.close_dispute(double.dispute(charge_of(won))["id"], won=True)

    monthly = start_gift(appeal, people[2], 1000, frequency="monthly")
    session = double.pay(monthly.checkout_session_id)
    second = double.renew(session["subscription"])
    double.renew(session["subscription"])
    double.renew(session["subscription"], paid=False)
    double.refund(second["charge"])
    double.cancel(session["subscription"])

    settled = start_gift(appeal, people[3], 3000)
    double.pay(settled.checkout_session_id, "delay")
    double.settle(settled.checkout_session_id, succeeded=True)

    bounced = start_gift(appeal, people[3], 2000)
    double.pay(bounced.checkout_session_id, "delay")
    double.settle(bounced.checkout_session_id, succeeded=False)

    start_gift(appeal, people[1], 777)  # abandoned: never paid
    double.deliver_to = deliver
    return list(state.events)


def snapshot(appeal) -> dict:
    rows = []
    for d in Donation.objects.select_related("parent").order_by("pk"):
        rows.append(
            (
                d.checkout_session_id or (d.parent.checkout_session_id, d.invoice_id),
                d.status,
                d.amount_pence,
                d.refunded_pence,
                d.dispute_status,
                d.counted_pence,
                d.paid_at,
                d.failed_at,
                d.subscription_ended_at,
                d.payment_intent_id,
                d.subscription_id,
                d.invoice_id,
                d.customer_id,
                d.receipt_sent_at is not None,
            )
        )
    totals = Appeal.objects.filter(pk=appeal.pk).values(
        "raised_pence", "stripe_pence", "donor_count"
    )[0]
    return {
        "donations": sorted(rows, key=repr),
        "totals": totals,
        "emails": Counter(EmailMessageLog.objects.values_list("template", flat=True)),
        "events": StripeEvent.objects.count(),
        "unprocessed": StripeEvent.objects.filter(processed_at__isnull=True).count(),
    }


def shuffled_thrice(events: list[dict], seed: int) -> list[dict]:
    copies = events * 3
    random.Random(seed).shuffle(copies)
    return copies


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_triple_delivery_ends_like_one_ordered_delivery(
    stripe_double, appeal, seed
):
    events = build_scenario(stripe_double, appeal)
    with transaction.atomic():
        for event in events:
            assert stripe_double.send(event) == 200
        expected = snapshot(appeal)
        transaction.set_rollback(True)

    for event in shuffled_thrice(events, seed):
        assert stripe_double.send(event) == 200
    assert snapshot(appeal) == expected

    # The ordered run is what a person would expect, too.
    assert expected["totals"] == {
        # 2500-1000 + 0 (lost) + 1500 (won) + 1000 + 0 (refunded) + 1000 + 3000
        "raised_pence": 8000,
        "stripe_pence": 8000,
        "donor_count": 4,
    }
    assert expected["emails"] == Counter(
        {"donation_receipt": 7, "donation_payment_failed": 1}
    )
    assert expected["unprocessed"] == 0


def reset_to_pending(appeal) -> None:
    """Back to the moment before any event arrived (for the concurrent run)."""
    StripeEvent.objects.all().delete()
    EmailMessageLog.objects.all().delete()
    Donation.objects.filter(parent__isnull=False).delete()
    Donation.objects.update(
        status="pending",
        payment_intent_id=None,
        charge_id="",
        subscription_id="",
        invoice_id=None,
        customer_id="",
        paid_at=None,
        failed_at=None,
        refunded_pence=0,
        dispute_status="",
        subscription_ended_at=None,
        counted_pence=0,
        counts_donor=False,
        receipt_sent_at=None,
    )
    Appeal.objects.filter(pk=appeal.pk).update(
        raised_pence=0, stripe_pence=0, donor_count=0
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_shuffled_delivery_on_postgresql_ends_like_one_ordered_delivery(
    require_postgres, stripe_double, appeal
):
    events = build_scenario(stripe_double, appeal)

    def deliver(event):
        try:
            return stripe_double.send(event)
        finally:
            connection.close()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(deliver, shuffled_thrice(events, seed=7)))
    assert set(statuses) == {200}
    concurrent = snapshot(appeal)

    reset_to_pending(appeal)
    for event in events:
        stripe_double.send(event)
    assert concurrent == snapshot(appeal)
    assert concurrent["totals"]["raised_pence"] == 8000
