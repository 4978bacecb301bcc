"""The one true total: how an appeal's stored figures move, and a recompute
that checks them against the records.

Every change to a donation's facts goes through ``donation_facts_merge``,
which locks the donation row, derives its new status and contribution, and
moves the appeal's totals by the difference with F() expressions in the
same transaction. Pages then read the stored totals in O(1).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from fundraising.models import Appeal, Donation, ExternalContribution
from fundraising.signals import donation_succeeded

DISPUTE_RANK = {"": 0, "open": 1, "won": 2, "lost": 2}


def _earliest(current, new):
    if new is None:
        return current
    return new if current is None or new < current else current


@transaction.atomic
def donation_facts_merge(
    *,
    donation_id: int,
    paid_at: datetime.datetime | None = None,
    failed_at: datetime.datetime | None = None,
    refunded_pence: int | None = None,
    dispute_status: str | None = None,
    subscription_ended_at: datetime.datetime | None = None,
    expired_at: datetime.datetime | None = None,
    refs: dict | None = None,
) -> Donation:
    """Merge what Stripe said into the donation; commutative and idempotent.

    Times keep the earliest, refunds the largest cumulative figure, and a
    closed dispute outranks an open one, so applying the same events in any
    order, any number of times, ends in the same state.

    Lock order, the same everywhere (a deadlock needs two orders):
    **donation, then pledge, then appeal**. This takes the donation's row,
    then (when it is newly paid) lets ``donation_succeeded`` listeners lock
    theirs (pledges lock the pledge and move the appeal's "pledged"), and
    only then the appeal's row. Pledge services lock the pledge and then the
    appeal, so a payment and a cancellation of the same pledge queue on the
    pledge row instead of each holding what the other waits for. All are
    FOR NO KEY UPDATE, so they never conflict with the key-share locks that
    inserting a row with a foreign key to them takes (a new instalment).
    """
    donation = Donation.objects.select_for_update(no_key=True).get(pk=donation_id)
    before_counted, was_paid = donation.counted_pence, donation.paid_at is not None
    donation.paid_at = _earliest(donation.paid_at, paid_at)
    donation.failed_at = _earliest(donation.failed_at, failed_at)
    donation.subscription_ended_at = _earliest(
        donation.subscription_ended_at, subscription_ended_at
    )
    donation.expired_at = _earliest(donation.expired_at, expired_at)
    if refunded_pence is not None:
        donation.refunded_pence = min(
            max(donation.refunded_pence, refunded_pence), donation.amount_pence
        )
    if dispute_status is not None and (
        DISPUTE_RANK[dispute_status] > DISPUTE_RANK[donation.dispute_status]
    ):
        donation.dispute_status = dispute_status
    for field, value in (refs or {}).items():
        if value and not getattr(donation, field):  # references are set once
            setattr(donation, field, value)
    donation.status = donation.derived_status()
    donation.counted_pence = donation.derived_counted_pence()
    newly_paid = donation.paid_at is not None and not was_paid
    if newly_paid:
        # Listeners (pledges) run inside this transaction, before the appeal
        # is locked (see the lock order above): their writes commit or roll
        # back together with the donation's.
        donation_succeeded.send(sender=Donation, donation=donation)
    new_donor = 0
    if newly_paid and donation.appeal_id and donation.supporter_id:
        # Lock the appeal row first so two gifts from one donor settling at
        # once cannot both count them.
        Appeal.objects.select_for_update(no_key=True).filter(
            pk=donation.appeal_id
        ).first()
        new_donor = int(
            not Donation.objects.filter(
                appeal_id=donation.appeal_id,
                supporter_id=donation.supporter_id,
                counts_donor=True,
            ).exists()
        )
        donation.counts_donor = bool(new_donor)
    donation.save()
    delta = donation.counted_pence - before_counted
    if donation.appeal_id and (delta or new_donor):
        Appeal.objects.filter(pk=donation.appeal_id).update(
            raised_pence=F("raised_pence") + delta,
            stripe_pence=F("stripe_pence") + delta,
            donor_count=F("donor_count") + new_donor,
        )
    if newly_paid:
        from fundraising.services.receipts import donation_receipt_send

        # The receipt's email-log row is written in this same transaction:
        # it is the outbox, so the receipt survives a broker outage.
        donation_receipt_send(donation_id=donation.pk)
        if donation.updates_soft_opt_in and donation.supporter_id:
            from supporters.subscriptions import soft_opt_in_subscribe

            # Charity mode: a paying donor who did not say "rather not".
            soft_opt_in_subscribe(
                supporter=donation.supporter, source=f"donation D{donation.pk:06d}"
            )
    return donation


def _external_figures(appeal_id: int) -> dict:
    """External money: the latest CrowdJustice figure plus everything else."""
    rows = ExternalContribution.objects.filter(appeal_id=appeal_id)
    crowdjustice = (
        rows.filter(source=ExternalContribution.Source.CROWDJUSTICE)
        .order_by("-received_on", "-id")
        .values("amount_pence", "received_on", "supporters")
        .first()
    ) or {"amount_pence": 0, "received_on": None, "supporters": 0}
    others = rows.exclude(source=ExternalContribution.Source.CROWDJUSTICE).aggregate(
        pence=Sum("amount_pence", default=0), people=Sum("supporters", default=0)
    )
    return {
        "external_pence": crowdjustice["amount_pence"] + others["pence"],
        "crowdjustice_pence": crowdjustice["amount_pence"],
        "crowdjustice_as_of": crowdjustice["received_on"],
        "external_supporters": crowdjustice["supporters"] + others["people"],
    }


@transaction.atomic
def appeal_external_refresh(*, appeal_id: int) -> None:
    """Recount external contributions into the appeal (staff edits are rare)."""
    Appeal.objects.select_for_update(no_key=True).filter(pk=appeal_id).first()
    figures = _external_figures(appeal_id)
    Appeal.objects.filter(pk=appeal_id).update(
        raised_pence=F("stripe_pence") + figures["external_pence"], **figures
    )


@dataclass
class Drift:
    appeal: Appeal
    field: str
    stored: object
    actual: object


def appeal_totals_actual(*, appeal: Appeal) -> dict:
    """The totals as the records say they should be."""
    donations = Donation.objects.filter(appeal=appeal)
    # Derived per row from its facts (not from the cached counted_pence).
    counted = 0
    for row in (
        donations.filter(paid_at__isnull=False)
        .values("amount_pence", "refunded_pence", "dispute_status")
        .iterator(chunk_size=2000)
    ):
        held = row["amount_pence"] if row["dispute_status"] in {"open", "lost"} else 0
        counted += max(row["amount_pence"] - row["refunded_pence"] - held, 0)
    donors = donations.filter(paid_at__isnull=False).aggregate(
        named=Count("supporter", distinct=True),
        anonymous=Count("id", filter=Q(supporter__isnull=True, counts_donor=True)),
    )
    figures = _external_figures(appeal.pk)
    return {
        "stripe_pence": counted,
        "raised_pence": counted + figures["external_pence"],
        "donor_count": donors["named"] + donors["anonymous"],
        **figures,
    }


def appeal_totals_recompute(*, fix: bool = False) -> list[Drift]:
    """Compare every appeal's stored totals with its records; optionally fix."""
    drifts = []
    for appeal in Appeal.objects.order_by("pk"):
        with transaction.atomic():
            locked = Appeal.objects.select_for_update(no_key=True).get(pk=appeal.pk)
            actual = appeal_totals_actual(appeal=locked)
            found = [
                Drift(locked, field, getattr(locked, field), value)
                for field, value in actual.items()
                if getattr(locked, field) != value
            ]
            if found and fix:
                Appeal.objects.filter(pk=locked.pk).update(**actual)
            drifts.extend(found)
    return drifts
