"""Writing the ledger: the two-person rule, immutability, reversals, bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from fundraising.ledger import services
from fundraising.ledger.models import CostEntry
from tests.ledger.conftest import entry_make, finance_user

pytestmark = pytest.mark.django_db
PRE = "pre_action"


def test_new_entry_awaits_approval_and_records_who_entered_it(stages, fay):
    entry = entry_make(stages[PRE], by=fay)
    assert entry.entered_by == fay
    assert not entry.is_approved
    assert entry.currency == "GBP"
    assert ModelLogEntry.objects.filter(
        object_id=str(entry.pk), action="wagtail.create"
    ).exists()


def test_second_person_approves_and_it_is_logged(stages, fay, finn):
    entry = entry_make(stages[PRE], by=fay, approve_by=finn)
    assert entry.approved_by == finn and entry.approved_at is not None
    log = ModelLogEntry.objects.get(object_id=str(entry.pk), action="ledger.approve")
    assert log.user == finn


def test_enterer_cannot_approve_their_own_entry(stages, fay):
    entry = entry_make(stages[PRE], by=fay)
    with pytest.raises(services.LedgerError, match="two-person rule"):
        services.cost_entry_approve(entry_id=entry.pk, user=fay)
    entry.refresh_from_db()
    assert not entry.is_approved


def test_database_refuses_approval_by_the_enterer_even_around_the_service(stages, fay):
    entry = entry_make(stages[PRE], by=fay)
    with pytest.raises(IntegrityError), transaction.atomic():
        CostEntry.objects.filter(pk=entry.pk).update(
            approved_by=fay, approved_at=entry.entered_at
        )


def test_someone_without_the_approve_permission_cannot_approve(
    stages, fay, django_user_model
):
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "x" * 16)
    entry = entry_make(stages[PRE], by=fay)
    with pytest.raises(services.LedgerError, match="finance permission"):
        services.cost_entry_approve(entry_id=entry.pk, user=editor)


def test_approving_twice_is_refused(stages, fay, finn):
    entry = entry_make(stages[PRE], by=fay, approve_by=finn)
    with pytest.raises(services.LedgerError, match="already approved"):
        services.cost_entry_approve(entry_id=entry.pk, user=finn)


def test_approved_entry_cannot_be_edited_or_deleted(stages, fay, finn):
    entry = entry_make(stages[PRE], by=fay, approve_by=finn)
    entry.amount_pence = 1
    with pytest.raises(ValidationError, match="reverse it"):
        entry.save()
    with pytest.raises(ValidationError, match="reverse it"):
        entry.delete()
    entry.refresh_from_db()
    assert entry.amount_pence == 100_000


def test_unapproved_entry_can_still_be_corrected(stages, fay):
    entry = entry_make(stages[PRE], by=fay)
    entry.amount_pence = 90_000
    entry.save()
    entry.refresh_from_db()
    assert entry.amount_pence == 90_000


def test_reversal_is_a_new_entry_copying_the_original_and_needs_approval(
    stages, fay, finn
):
    original = entry_make(stages[PRE], by=fay, approve_by=finn)
    reversal = services.cost_entry_reverse(
        entry_id=original.pk, user=finn, reason="Billed twice"
    )
    assert reversal.kind == CostEntry.Kind.REVERSAL
    assert reversal.reverses == original
    assert (reversal.amount_pence, reversal.vat_pence) == (100_000, 20_000)
    assert reversal.description == "Reversal: Letter before claim (Billed twice)"
    assert not reversal.is_approved
    # The person who entered the reversal cannot approve it either.
    with pytest.raises(services.LedgerError):
        services.cost_entry_approve(entry_id=reversal.pk, user=finn)
    services.cost_entry_approve(entry_id=reversal.pk, user=fay)


def test_entry_can_be_reversed_once_and_a_reversal_never(stages, fay, finn):
    original = entry_make(stages[PRE], by=fay, approve_by=finn)
    reversal = services.cost_entry_reverse(entry_id=original.pk, user=fay)
    with pytest.raises(services.LedgerError, match="already been reversed"):
        services.cost_entry_reverse(entry_id=original.pk, user=fay)
    services.cost_entry_approve(entry_id=reversal.pk, user=finn)
    with pytest.raises(services.LedgerError, match="cannot be reversed"):
        services.cost_entry_reverse(entry_id=reversal.pk, user=fay)


def test_unapproved_entry_is_edited_not_reversed(stages, fay):
    entry = entry_make(stages[PRE], by=fay)
    with pytest.raises(services.LedgerError, match="not approved yet"):
        services.cost_entry_reverse(entry_id=entry.pk, user=fay)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount_pence": -500}, "Amount before VAT"),
        ({"amount_pence": 0}, "Amount before VAT"),
        ({"amount_pence": 10**15}, "more than £10,000,000"),
        ({"vat_pence": -1}, "VAT"),
        ({"vat_pence": 10**12}, "more than £10,000,000"),
        ({"description": ""}, "Public description"),
        ({"description": "   "}, "Public description"),
        ({"description": "x" * 201}, "Public description"),
        ({"category": "lunch"}, "Category"),
        ({"kind": "gift"}, "Kind"),
    ],
)
def test_bad_input_gets_a_clear_error_and_writes_nothing(stages, fay, fields, message):
    with pytest.raises(services.LedgerError) as caught:
        entry_make(stages[PRE], by=fay, **fields)
    assert any(m.startswith(message) or message in m for m in caught.value.messages)
    assert not CostEntry.objects.exists()


def test_unicode_description_is_kept_as_typed(stages, fay):
    entry = entry_make(
        stages[PRE],
        by=fay,
        description="Counsel\u2019s advice \u2014 grounds \u2713 Zo\u00eb",
    )
    entry.refresh_from_db()
    assert entry.description == "Counsel\u2019s advice \u2014 grounds \u2713 Zo\u00eb"


def test_released_reserve_belongs_to_the_reserve_stage(stages, fay):
    with pytest.raises(services.LedgerError, match="adverse-costs reserve"):
        entry_make(stages[PRE], by=fay, kind="reserve_released", vat_pence=0)
    entry = entry_make(
        stages["adverse_costs"], by=fay, kind="reserve_released", vat_pence=0
    )
    assert entry.kind == "reserve_released"


def test_reversal_kind_cannot_be_typed_in(stages, fay):
    with pytest.raises(services.LedgerError, match="cost_entry_reverse"):
        entry_make(stages[PRE], by=fay, kind="reversal")


def test_stage_status_change_is_logged(stages, fay):
    stage = stages["permission"]
    services.stage_status_set(stage_id=stage.pk, status="done", user=fay)
    stage.refresh_from_db()
    assert stage.status == "done"
    assert ModelLogEntry.objects.filter(
        object_id=str(stage.pk), action="ledger.stage_status"
    ).exists()
    with pytest.raises(services.LedgerError, match="Unknown status"):
        services.stage_status_set(stage_id=stage.pk, status="won", user=fay)


def test_inactive_finance_user_cannot_write(stages):
    user = finance_user("gone")
    user.is_active = False
    with pytest.raises(services.LedgerError):
        entry_make(stages[PRE], by=user)
