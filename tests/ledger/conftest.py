"""Fixtures for the ledger tests: an appeal with money raised, a budget by
stage, and two people in the Finance group (the two-person rule needs two)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from fundraising.ledger import services
from fundraising.ledger.models import CaseStage, CostEntry, SurplusPolicy
from fundraising.models import Appeal, ExternalContribution

PASSWORD = "a long test password"


def finance_user(username: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD
    )
    user.groups.add(Group.objects.get(name="Finance"))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def fay(db):
    return finance_user("fay")


@pytest.fixture
def finn(db):
    return finance_user("finn")


@pytest.fixture
def appeal(db):
    appeal = Appeal.objects.create(
        name="Judicial review fund",
        slug="judicial-review",
        purpose="Legal costs of challenging the census changes.",
        target_pence=2_500_000,
    )
    ExternalContribution.objects.create(
        appeal=appeal,
        source=ExternalContribution.Source.CROWDJUSTICE,
        amount_pence=1_000_000,
        supporters=120,
        received_on=datetime.date(2026, 11, 1),
    )
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def stages(appeal) -> dict[str, CaseStage]:
    kind, status = CaseStage.Kind, CaseStage.Status
    specs = [
        (kind.PRE_ACTION, 1, 600_000, status.DONE, None),
        (kind.PERMISSION, 2, 1_200_000, status.IN_PROGRESS, None),
        (kind.ADVERSE_COSTS, 3, 500_000, status.NOT_STARTED, 500_000),
    ]
    return {
        stage_kind: CaseStage.objects.create(
            appeal=appeal,
            kind=stage_kind,
            sort_order=order,
            estimate_pence=estimate,
            status=stage_status,
            cap_pence=cap,
        )
        for stage_kind, order, estimate, stage_status, cap in specs
    }


@pytest.fixture
def policy(appeal):
    return SurplusPolicy.objects.create(
        appeal=appeal, text="Money not needed goes to the next stage of the case."
    )


def entry_make(stage, *, by, approve_by=None, **fields) -> CostEntry:
    entry = services.cost_entry_create(
        stage=stage,
        kind=fields.pop("kind", CostEntry.Kind.COST),
        category=fields.pop("category", CostEntry.Category.SOLICITORS),
        date=fields.pop("date", datetime.date(2026, 10, 1)),
        amount_pence=fields.pop("amount_pence", 100_000),
        vat_pence=fields.pop("vat_pence", 20_000),
        description=fields.pop("description", "Letter before claim"),
        user=by,
        **fields,
    )
    if approve_by is not None:
        entry = services.cost_entry_approve(entry_id=entry.pk, user=approve_by)
    return entry
