"""Demo fundraising content (run by ``manage.py seed_demo``; idempotent).

The appeal for the judicial review's legal costs, the CrowdJustice figure
staff would keep current, a cheque, and a few card gifts recorded as if
Stripe had confirmed them (no Stripe call, no receipts sent).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fundraising.models import Appeal, Donation, ExternalContribution
from fundraising.services.totals import donation_facts_merge
from supporters.services import supporter_upsert

DEMO_SLUG = "judicial-review"
DEMO_GIFTS = [
    ("Sam", "demo-donor-1@example.org", 2500, "one_off"),
    ("Priya", "demo-donor-2@example.org", 5000, "one_off"),
    ("Tom", "demo-donor-3@example.org", 1000, "monthly"),
]

DEMO_AMOUNT_IMPACTS = """10 = copies the court bundle for one hearing day
25 = pays for an hour of a trainee solicitor's research
50 = covers a witness statement from a parent
100 = funds an hour of barristers' drafting time"""


@transaction.atomic
def seed_fundraising(*, log) -> Appeal:
    today = timezone.localdate()
    appeal, created = Appeal.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Legal costs: the pupil data judicial review",
            "purpose": (
                "Our solicitors have sent the Department for Education a letter "
                "before action over the new Alternative Provision Census labels. "
                "Gifts pay the lawyers' and court fees of taking the case to a "
                "judicial review."
            ),
            "target_pence": 2_500_000,
            "stretch_target_pence": 4_000_000,
            "deadline": today + datetime.timedelta(days=45),
            "crowdjustice_url": "https://www.crowdjustice.com/case/labels-last-a-lifetime/",
            "suggested_amounts": "10, 25, 50, 100",
        },
    )
    if not appeal.amount_impacts:  # demo databases seeded before the field existed
        appeal.amount_impacts = DEMO_AMOUNT_IMPACTS
        appeal.save(update_fields=["amount_impacts"])
    if not appeal.external_contributions.exists():
        # The CrowdJustice page's running total, copied in by staff now and
        # then: the dashboard chart draws the climb.
        for days_ago, pence, people in [
            (75, 120_000, 31),
            (54, 310_000, 84),
            (33, 560_000, 140),
            (16, 730_000, 186),
            (2, 842_000, 212),
        ]:
            ExternalContribution.objects.create(
                appeal=appeal,
                source=ExternalContribution.Source.CROWDJUSTICE,
                amount_pence=pence,
                supporters=people,
                received_on=today - datetime.timedelta(days=days_ago),
                note="Figure copied from the CrowdJustice page.",
            )
        ExternalContribution.objects.create(
            appeal=appeal,
            source=ExternalContribution.Source.CHEQUE,
            amount_pence=25_000,
            supporters=1,
            received_on=today - datetime.timedelta(days=10),
            note="Cheque from a parents' group.",
        )
    for number, (name, email, pence, frequency) in enumerate(DEMO_GIFTS, start=1):
        supporter = supporter_upsert(email=email, source="demo", first_name=name)
        donation, _ = Donation.objects.get_or_create(
            checkout_key=f"demo-gift-{number}",
            defaults={
                "appeal": appeal,
                "supporter": supporter,
                "amount_pence": pence,
                "frequency": frequency,
                "receipt_sent_at": timezone.now(),  # demo: no email
            },
        )
        if donation.paid_at is None:
            donation_facts_merge(
                donation_id=donation.pk,
                paid_at=timezone.now() - datetime.timedelta(days=number),
            )
    appeal.refresh_from_db()
    log(
        f"Appeal: {appeal.name} ({appeal.raised_display} raised"
        f"{', created' if created else ''}) at /donate/{appeal.slug}/"
    )
    return appeal
