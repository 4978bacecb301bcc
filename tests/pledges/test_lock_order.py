"""One lock order everywhere: donation, then pledge, then appeal.

A payment of a pledge and its cancellation at the same moment used to lock
donation -> appeal -> pledge and pledge -> appeal: each held what the other
wanted, and PostgreSQL killed one of them as a deadlock."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from fundraising.models import Appeal, Donation
from fundraising.pledges import services
from fundraising.pledges.models import Pledge
from fundraising.services.totals import donation_facts_merge

from .factories import appeal_make, pledge_make


@pytest.mark.django_db(transaction=True)
def test_paying_and_cancelling_one_pledge_at_once_never_deadlocks(
    require_postgres, monkeypatch
):
    appeal = appeal_make()
    pledge = pledge_make(appeal=appeal, amount_pence=2500)
    donation = Donation.objects.create(
        appeal=appeal,
        supporter=pledge.supporter,
        amount_pence=2500,
        metadata={"pledge_id": str(pledge.pk)},
    )
    # Make the dangerous interleaving happen every time: the payment reaches
    # the pledge only once the cancellation holds it, and the cancellation
    # moves the appeal only once the payment has taken whatever it takes first.
    payment_at_pledge, cancel_holds_pledge = threading.Event(), threading.Event()
    real_locked, real_move = services._locked, services._pledged_move

    def locked(pledge_id):
        if threading.current_thread().name == "payment":
            payment_at_pledge.set()
            cancel_holds_pledge.wait(timeout=5)
            return real_locked(pledge_id)
        row = real_locked(pledge_id)
        cancel_holds_pledge.set()
        return row

    def pledged_move(row, sign):
        if threading.current_thread().name == "cancel":
            payment_at_pledge.wait(timeout=5)
        return real_move(row, sign)

    monkeypatch.setattr(services, "_locked", locked)
    monkeypatch.setattr(services, "_pledged_move", pledged_move)
    errors = []

    def run(work):
        try:
            work()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            name="payment",
            target=run,
            args=(
                lambda: donation_facts_merge(
                    donation_id=donation.pk, paid_at=timezone.now()
                ),
            ),
        ),
        threading.Thread(
            name="cancel",
            target=run,
            args=(lambda: services.pledge_cancel(pledge_id=pledge.pk),),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    pledge.refresh_from_db()
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert pledge.status == Pledge.Status.FULFILLED  # paid after all: recorded
    assert (appeal.raised_pence, appeal.pledged_pence) == (2500, 0)
    assert appeal.pledges_outstanding == 0
