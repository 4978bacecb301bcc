"""Reading the ledger: sums by stage and kind, reconciliation with the
appeal's totals, and a flat number of queries however many entries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fundraising.ledger import services
from fundraising.ledger.models import CostEntry
from fundraising.ledger.selectors import ledger_check, ledger_summary
from fundraising.models import ExternalContribution
from tests.ledger.conftest import entry_make

pytestmark = pytest.mark.django_db


def test_only_approved_entries_count(stages, fay, finn):
    entry_make(stages["pre_action"], by=fay, approve_by=finn)  # £1,200 with VAT
    entry_make(stages["pre_action"], by=fay, amount_pence=999_999)  # awaiting
    summary = ledger_summary(appeal=stages["pre_action"].appeal)
    assert summary.spent_pence == 120_000
    assert [e.amount_pence for e in summary.entries] == [100_000]


def test_figures_add_up_by_stage_kind_and_reversal(appeal, stages, fay, finn):
    pre, permission, reserve = (
        stages["pre_action"],
        stages["permission"],
        stages["adverse_costs"],
    )
    entry_make(pre, by=fay, approve_by=finn, amount_pence=300_000, vat_pence=60_000)
    wrong = entry_make(permission, by=fay, approve_by=finn, amount_pence=50_000)
    reversal = services.cost_entry_reverse(entry_id=wrong.pk, user=fay)
    services.cost_entry_approve(entry_id=reversal.pk, user=finn)
    entry_make(permission, by=finn, approve_by=fay, amount_pence=40_000, vat_pence=0)
    entry_make(pre, by=fay, approve_by=finn, kind="recovered", amount_pence=25_000,
               vat_pence=0)  # fmt: skip
    entry_make(reserve, by=fay, approve_by=finn, kind="reserve_released",
               amount_pence=100_000, vat_pence=0)  # fmt: skip

    summary = ledger_summary(appeal=appeal)
    by_kind = {line.stage.kind: line for line in summary.stages}
    assert by_kind["pre_action"].spent_pence == 360_000
    assert by_kind["permission"].spent_pence == 40_000  # 60,000 reversed
    assert by_kind["adverse_costs"].reserved_pence == 400_000  # 500,000 - released
    assert summary.raised_pence == appeal.raised_pence == 1_000_000
    assert summary.spent_pence == 400_000
    assert summary.recovered_pence == 25_000
    assert summary.reserved_pence == 400_000
    assert summary.available_pence == 1_000_000 + 25_000 - 400_000 - 400_000
    assert summary.budget_pence == 2_300_000


def test_raised_is_the_appeals_stored_total_after_new_money(appeal, stages):
    ExternalContribution.objects.create(
        appeal=appeal,
        source="cheque",
        amount_pence=5_000,
        received_on=timezone.localdate(),
    )
    appeal.refresh_from_db()
    summary = ledger_summary(appeal=appeal)
    assert summary.raised_pence == appeal.raised_pence == 1_005_000


def test_other_appeals_entries_never_count(appeal, stages, fay, finn):
    from fundraising.ledger.models import CaseStage
    from tests.pledges.factories import appeal_make

    other = appeal_make()
    stage = CaseStage.objects.create(appeal=other, kind="permission", estimate_pence=1)
    entry_make(stage, by=fay, approve_by=finn)
    assert ledger_summary(appeal=appeal).spent_pence == 0
    assert ledger_summary(appeal=other).spent_pence == 120_000


def _bulk_approved(stage, fay, finn, count: int) -> None:
    now = timezone.now()
    CostEntry.objects.bulk_create(
        CostEntry(
            stage=stage,
            date=datetime.date(2026, 9, 1),
            amount_pence=1_000 + n,
            vat_pence=200,
            description=f"Counsel's work, item {n}",
            entered_by=fay,
            approved_by=finn,
            approved_at=now,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [1, 1000])
def test_summary_and_entry_list_take_a_fixed_number_of_queries(
    appeal, stages, fay, finn, policy, count
):
    _bulk_approved(stages["permission"], fay, finn, count)
    with CaptureQueriesContext(connection) as queries:
        summary = ledger_summary(appeal=appeal)
        rows = list(summary.entries)
        assert rows[0].stage.name and rows[0].reverses is None
    assert len(rows) == count
    assert len(queries) == 4  # stages, grouped sums, surplus policy, entries


def test_check_finds_nothing_on_a_clean_ledger(appeal, stages, fay, finn):
    entry_make(stages["pre_action"], by=fay, approve_by=finn)
    assert ledger_check(appeal=appeal) == []


def test_check_reports_spending_beyond_the_money(appeal, stages, fay, finn):
    entry_make(stages["permission"], by=fay, approve_by=finn, amount_pence=1_000_000)
    problems = [p.message for p in ledger_check(appeal=appeal)]
    assert problems == ["spent and reserved exceed what was raised by £5,200"]


def test_check_reports_a_reversal_that_does_not_match(appeal, stages, fay, finn):
    original = entry_make(stages["pre_action"], by=fay, approve_by=finn)
    reversal = services.cost_entry_reverse(entry_id=original.pk, user=fay)
    CostEntry.objects.filter(pk=reversal.pk).update(
        amount_pence=1
    )  # around the service
    problems = [p.message for p in ledger_check(appeal=appeal)]
    assert problems == [f"reversal {reversal.pk} does not match entry {original.pk}"]
