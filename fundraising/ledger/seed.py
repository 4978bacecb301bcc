"""Demo ledger (run by ``manage.py seed_demo`` after the fundraising seeder;
idempotent: an appeal that already has a budget is left alone).

The judicial-review appeal gets a budget by stage of an England judicial
review, a few approved costs and one awaiting approval, entered and approved
through the real services by two demo finance people (who cannot log in),
and its surplus policy.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from fundraising.models import Appeal

from . import services
from .models import CaseStage, CostEntry, SurplusPolicy

DEMO_APPEAL_SLUG = "judicial-review"
FINANCE_GROUP = "Finance"
DEMO_PEOPLE = [("demo-finance-1", "Fran"), ("demo-finance-2", "Omar")]
SURPLUS_POLICY = (
    "Any money not needed for this case stays ring-fenced for it until the case "
    "ends, including any appeal. After that, we will put it towards our "
    "campaign for pupils' data rights, and tell every donor how much was left "
    "and where it went. If you would rather have your share back, email us "
    "within three months of that update."
)
K, S, C = CaseStage.Kind, CaseStage.Status, CostEntry.Category
STAGES = [
    (K.PRE_ACTION, 500_000, S.DONE,
     "Letter before claim sent; the Department's reply has been received."),
    (K.PERMISSION, 900_000, S.IN_PROGRESS,
     "Claim being prepared for filing at the Administrative Court."),
    (K.SUBSTANTIVE, 1_600_000, S.NOT_STARTED, ""),
    (K.APPEAL, 1_200_000, S.NOT_STARTED, "Only if either side appeals."),
    (K.ADVERSE_COSTS, 300_000, S.NOT_STARTED,
     "Held back in case we lose and must pay part of the Department's costs. "
     "The court has capped that at £10,000 (a costs capping order); we hold "
     "£3,000 now and will raise the rest before the hearing."),
]  # fmt: skip
COSTS = [
    # (stage, days ago, category, net pence, VAT pence, description, approved)
    (K.PRE_ACTION, 40, C.SOLICITORS, 250_000, 50_000,
     "Solicitors: case review and letter before claim", True),
    (K.PRE_ACTION, 32, C.COUNSEL, 120_000, 24_000,
     "Counsel's advice on the grounds of challenge", True),
    (K.PERMISSION, 9, C.COURT_FEES, 15_400, 0,
     "Administrative Court fee to file the claim", True),
    (K.PERMISSION, 2, C.COUNSEL, 180_000, 36_000,
     "Counsel drafting the statement of facts and grounds", False),
]  # fmt: skip


def _people() -> tuple:
    group = Group.objects.get(name=FINANCE_GROUP)
    people = []
    for username, first_name in DEMO_PEOPLE:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": "(demo)"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        people.append(get_user_model().objects.get(pk=user.pk))
    return tuple(people)


@transaction.atomic
def seed_ledger(*, log) -> None:
    appeal = Appeal.objects.filter(slug=DEMO_APPEAL_SLUG).first()
    if appeal is None:
        log("Ledger: no demo appeal, skipped.")
        return
    SurplusPolicy.objects.get_or_create(
        appeal=appeal, defaults={"text": SURPLUS_POLICY}
    )
    if appeal.case_stages.exists():
        log("Ledger: demo budget already there.")
        return
    enterer, approver = _people()
    stages = {}
    for order, (kind, estimate, status, note) in enumerate(STAGES, start=1):
        stages[kind] = CaseStage.objects.create(
            appeal=appeal,
            kind=kind,
            sort_order=order,
            estimate_pence=estimate,
            cap_pence=1_000_000 if kind == K.ADVERSE_COSTS else None,
            status=status,
            public_note=note,
        )
    today = timezone.localdate()
    for kind, days, category, net, vat, description, approved in COSTS:
        entry = services.cost_entry_create(
            stage=stages[kind],
            category=category,
            date=today - datetime.timedelta(days=days),
            amount_pence=net,
            vat_pence=vat,
            description=description,
            user=enterer,
        )
        if approved:
            services.cost_entry_approve(entry_id=entry.pk, user=approver)
    log(
        f"Ledger: {len(STAGES)} stages, {len(COSTS)} costs (one awaiting "
        f"approval) at /appeals/{appeal.slug}/spending/"
    )
