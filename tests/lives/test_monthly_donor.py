"""A monthly donor's year: a card that fails (and is retried by Stripe), a
refund, a lost dispute, then stopping the gift themselves."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from fundraising.models import Donation
from tests.fundraising.conftest import start_gift

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)


def test_a_monthly_donor_over_a_year(stripe_double, appeal, donor, mailoutbox):
    def month(n):
        return time_machine.travel(START + datetime.timedelta(days=31 * n), tick=False)

    def emails(word):
        return [m for m in mailoutbox if word in m.subject]

    with month(0):
        first = start_gift(appeal, donor, 1000, frequency="monthly")
        stripe_double.pay(first.checkout_session_id)
    first.refresh_from_db()
    subscription = first.subscription_id

    charges = {}
    for n in range(1, 12):
        with month(n):
            if n == 4:  # the card expires; Stripe retries three times
                for _retry in range(3):
                    stripe_double.renew(subscription, paid=False)
                continue
            invoice = stripe_double.renew(subscription)
            charges[n] = invoice["charge"]
    with month(6):
        stripe_double.refund(charges[6])  # asked for March's gift back
    with month(9):
        dispute = stripe_double.dispute(charges[8])
        stripe_double.close_dispute(dispute["id"], won=False)

    instalments = list(first.instalments.order_by("paid_at"))
    assert len(instalments) == 10  # 11 months less the failed one
    assert [d.status for d in instalments].count("succeeded") == 8
    assert {d.status for d in instalments} == {"succeeded", "refunded", "disputed"}
    appeal.refresh_from_db()
    # 11 paid gifts of £10, less one refunded and one lost in a dispute.
    assert appeal.raised_pence == appeal.stripe_pence == 9 * 1000
    assert appeal.donor_count == 1
    assert len(emails("Thank you for your")) == 11
    [card] = emails("could not be taken")  # once, despite three failures
    assert "/donate/manage/" in card.body

    # Month 12: they stop the gift in Stripe's portal (the manage link).
    with month(12):
        stripe_double.cancel(subscription)
        first.refresh_from_db()
        assert first.subscription_ended_at == timezone.now()
    assert Donation.objects.filter(parent=first).count() == 10
    with pytest.raises(Exception, match="ended"):
        stripe_double.renew(subscription)
