"""Staff in the admin: the Finance group keeps the budget and enters costs,
a second person approves, approved entries are locked, marking a stage done
offers the donor update, Editors only write the surplus policy."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from fundraising.ledger.models import CaseStage, CostEntry, SurplusPolicy
from fundraising.models import Donation
from supporters.mailings.models import Mailing
from supporters.models import Subscription, Topic
from supporters.services import supporter_upsert
from tests.ledger.conftest import entry_make

pytestmark = pytest.mark.django_db


def add_entry(client, stage, **overrides):
    data = {
        "stage": stage.pk,
        "kind": "cost",
        "category": "counsel",
        "date": "2026-11-02",
        "amount_pence": "1500.00",
        "vat_pence": "300",
        "description": "Counsel's advice on grounds",
        **overrides,
    }
    return client.post("/admin/ledger/entries/new/", data)


def test_finance_adds_a_cost_in_pounds_and_it_awaits_approval(client, stages, fay):
    client.force_login(fay)
    response = add_entry(client, stages["permission"])
    assert response.status_code == 302
    entry = CostEntry.objects.get()
    assert (entry.amount_pence, entry.vat_pence) == (150_000, 30_000)
    assert entry.entered_by == fay and not entry.is_approved
    listing = client.get("/admin/ledger/entries/").content.decode()
    assert "Awaiting approval" in listing
    assert f"/admin/ledger/entries/{entry.pk}/approve/" not in listing  # own entry


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_pence", "-5", "greater than or equal to"),
        ("amount_pence", "1e8", "more than £10,000,000"),
        ("amount_pence", "1e12", "no more than 12 digits"),
        ("amount_pence", "ten pounds", "Enter a number"),
        ("vat_pence", "99999999999", "digits"),
        ("description", "", "This field is required"),
        ("kind", "reversal", "Reverse an entry with its"),
        ("date", "31/02/2026", "Enter a valid date"),
    ],
)
def test_bad_admin_input_is_a_form_error_not_a_500(
    client, stages, fay, field, value, message
):
    client.force_login(fay)
    response = add_entry(client, stages["permission"], **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CostEntry.objects.exists()


def test_second_person_approves_from_the_listing(client, stages, fay, finn):
    entry = entry_make(stages["permission"], by=fay)
    client.force_login(finn)
    assert (
        f"/admin/ledger/entries/{entry.pk}/approve/"
        in client.get("/admin/ledger/entries/").content.decode()
    )
    assert client.get(f"/admin/ledger/entries/{entry.pk}/approve/").status_code == 200
    response = client.post(f"/admin/ledger/entries/{entry.pk}/approve/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.approved_by == finn


def test_enterer_posting_approve_is_refused_with_a_message(client, stages, fay):
    entry = entry_make(stages["permission"], by=fay)
    client.force_login(fay)
    response = client.post(f"/admin/ledger/entries/{entry.pk}/approve/", follow=True)
    assert "two-person rule" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.is_approved


def test_approved_entry_cannot_be_edited_or_deleted_in_the_admin(
    client, stages, fay, finn
):
    entry = entry_make(stages["permission"], by=fay, approve_by=finn)
    client.force_login(fay)
    edit = client.post(
        f"/admin/ledger/entries/edit/{entry.pk}/",
        {"stage": entry.stage_id, "kind": "cost", "category": "counsel",
         "date": "2026-11-02", "amount_pence": "1", "vat_pence": "0",
         "description": "changed"},
    )  # fmt: skip
    assert edit.status_code == 302
    delete = client.post(f"/admin/ledger/entries/delete/{entry.pk}/", follow=True)
    assert "cannot be changed or deleted" in delete.content.decode()
    entry.refresh_from_db()
    assert entry.amount_pence == 100_000 and entry.description == "Letter before claim"


def test_reverse_from_the_admin_makes_a_reversal_awaiting_approval(
    client, stages, fay, finn
):
    entry = entry_make(stages["permission"], by=fay, approve_by=finn)
    client.force_login(fay)
    response = client.post(
        f"/admin/ledger/entries/{entry.pk}/reverse/", {"reason": "Billed twice"}
    )
    assert response.status_code == 302
    reversal = CostEntry.objects.get(reverses=entry)
    assert reversal.description == "Reversal: Letter before claim (Billed twice)"
    assert ModelLogEntry.objects.filter(action="ledger.reverse").exists()


def test_marking_a_stage_done_offers_and_prepares_the_donor_update(
    client, appeal, stages, fay, policy
):
    topic = Topic.objects.get(slug="campaign-updates")
    donor = supporter_upsert(email="donor@example.org", source="test")
    Subscription.objects.create(
        supporter=donor, topic=topic, status="confirmed", confirmed_at=timezone.now()
    )
    Donation.objects.create(
        appeal=appeal, supporter=donor, amount_pence=2500, paid_at=timezone.now()
    )
    stage = stages["permission"]
    client.force_login(fay)
    response = client.post(f"/admin/ledger/stages/{stage.pk}/done/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/ledger/stages/{stage.pk}/update/"
    stage.refresh_from_db()
    assert stage.status == CaseStage.Status.DONE
    offer = client.get(response["Location"]).content.decode()
    assert "Prepare the donor update" in offer
    assert "<strong>1</strong> person" in offer
    response = client.post(f"/admin/ledger/stages/{stage.pk}/update/")
    mailing = Mailing.objects.get()
    assert response["Location"] == f"/admin/mailings/{mailing.pk}/status/"
    assert mailing.status == Mailing.Status.DRAFT
    assert mailing.segments == [f"donors:{appeal.pk}"]
    assert mailing.subject == "Judicial review fund: Permission stage is done"
    body = str(mailing.body)
    assert "Money not needed goes to the next stage" in body
    assert "/appeals/judicial-review/spending/" in body


def edit_stage(client, stage, **changes):
    data = {
        "appeal": stage.appeal_id,
        "kind": stage.kind,
        "sort_order": "2",
        "title": "",
        "estimate_pence": "12000",
        "cap_pence": "",
        "status": "done",
        "public_note": "Permission granted.",
        **changes,
    }
    return client.post(f"/admin/ledger/stages/edit/{stage.pk}/", data)


def test_editing_a_stage_to_done_goes_to_the_offer(client, stages, fay):
    stage = stages["permission"]
    client.force_login(fay)
    response = edit_stage(client, stage)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/ledger/stages/{stage.pk}/update/"


def test_cap_only_on_the_reserve_is_a_form_error(client, stages, fay):
    stage = stages["permission"]
    client.force_login(fay)
    response = edit_stage(client, stage, cap_pence="5000")
    assert response.status_code == 200
    assert "Only the adverse-costs reserve has a cap." in response.content.decode()


def test_invoice_download_is_for_finance_only_and_logged(
    client, settings, tmp_path, stages, fay, django_user_model
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = entry_make(
        stages["permission"],
        by=fay,
        invoice=SimpleUploadedFile("inv.pdf", b"%PDF-1.4 private"),
    )
    url = f"/admin/ledger/entries/{entry.pk}/invoice/"
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "x" * 16)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(url).status_code in (302, 403)
    client.force_login(fay)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 private"
    assert ModelLogEntry.objects.filter(action="ledger.invoice_download").exists()


def test_editors_write_the_surplus_policy_but_never_see_costs(
    client, appeal, stages, fay, django_user_model
):
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "x" * 16)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    for url in ("/admin/ledger/entries/", "/admin/ledger/stages/"):
        assert client.get(url).status_code in (302, 403)
    response = client.post(
        "/admin/ledger/policies/new/",
        {"appeal": appeal.pk, "text": "Left-over money goes to the next case."},
    )
    assert response.status_code == 302
    assert SurplusPolicy.objects.get().text == "Left-over money goes to the next case."


def test_recompute_command_reports_ledger_problems(appeal, stages, fay, finn):
    entry_make(stages["permission"], by=fay, approve_by=finn, amount_pence=1_000_000)
    out = io.StringIO()
    call_command("recompute_appeal_totals", stdout=out)
    assert "No drift" in out.getvalue()
    assert "spent and reserved exceed what was raised by £5,200" in out.getvalue()


def test_seed_is_idempotent_and_leaves_one_entry_awaiting_approval(db):
    from fundraising.ledger.seed import seed_ledger
    from fundraising.seed import seed_fundraising

    seed_fundraising(log=lambda *_: None)
    seed_ledger(log=lambda *_: None)
    seed_ledger(log=lambda *_: None)
    assert CaseStage.objects.count() == 5
    assert CostEntry.objects.filter(approved_at__isnull=False).count() == 3
    assert CostEntry.objects.filter(approved_at__isnull=True).count() == 1
    assert SurplusPolicy.objects.count() == 1
