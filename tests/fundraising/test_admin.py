"""Staff views: appeals, donations (filters, totals, detail), external
contributions, exports (audit-logged), dashboard panel, Gift Aid schedule;
plus privacy (export and erasure) and the demo seeder."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from fundraising.models import (
    Appeal,
    Donation,
    ExternalContribution,
    GiftAidDeclaration,
)
from fundraising.services.totals import donation_facts_merge
from supporters import privacy
from supporters.models import SupporterAccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser(
        "treasurer", "treasurer@example.org", "a-long-password-123"
    )
    # ModelBackend: django-axes' backend (listed first) cannot load session users.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def paid_gift(appeal, donor, pence, *, declaration=None, days_ago=0, **fields):
    donation = Donation.objects.create(
        appeal=appeal,
        supporter=donor,
        amount_pence=pence,
        gift_aid_declaration=declaration,
        receipt_sent_at=timezone.now(),
        payment_intent_id=f"pi_test_{pence}_{days_ago}",
        **fields,
    )
    return donation_facts_merge(
        donation_id=donation.pk,
        paid_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_donation_list_filters_and_totals(client, staff, appeal, donor):
    paid_gift(appeal, donor, 2500)
    paid_gift(appeal, donor, 1000, frequency="monthly")
    Donation.objects.create(appeal=appeal, supporter=donor, amount_pence=999)
    response = client.get("/admin/donations/", {"status": "succeeded"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>2</strong> donations" in html
    assert "<strong>£35</strong> given" in html
    monthly = client.get("/admin/donations/", {"frequency": "monthly"}).content.decode()
    assert "<strong>1</strong> donations" in monthly


def test_donation_detail_shows_stripe_references_and_cannot_be_edited(
    client, staff, appeal, donor
):
    donation = paid_gift(appeal, donor, 2500)
    page = client.get(f"/admin/donations/inspect/{donation.pk}/").content.decode()
    assert donation.payment_intent_id in page
    assert client.get(f"/admin/donations/edit/{donation.pk}/").status_code in (
        302,
        403,
        404,
    )
    assert client.get("/admin/donations/new/").status_code in (302, 403, 404)


def test_appeal_and_external_contribution_admin(client, staff, appeal):
    assert client.get("/admin/snippets/fundraising/appeal/").status_code == 200
    response = client.post(
        "/admin/snippets/fundraising/externalcontribution/add/",
        {
            "appeal": appeal.pk,
            "source": "crowdjustice",
            "amount_pence": "8420.00",
            "received_on": "2026-11-20",
            "supporters": "212",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ExternalContribution.objects.get()
    assert entry.amount_pence == 842_000
    assert entry.entered_by == staff
    appeal.refresh_from_db()
    assert appeal.raised_pence == 842_000


def test_appeal_refuses_http_crowdjustice_links_and_low_stretch_targets(appeal):
    from django.core.exceptions import ValidationError

    appeal.crowdjustice_url = "http://www.crowdjustice.com/case/x/"
    appeal.stretch_target_pence = 100
    with pytest.raises(ValidationError) as error:
        appeal.full_clean()
    assert {"crowdjustice_url", "stretch_target_pence"} <= set(error.value.message_dict)


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_accounts_csv_export_is_streamed_and_audit_logged(client, staff, appeal, donor):
    paid_gift(appeal, donor, 2500)
    paid_gift(appeal, donor, 4000, days_ago=40)
    today = timezone.localdate()
    response = client.get(
        "/admin/fundraising/exports/accounts.csv",
        {
            "start": (today - datetime.timedelta(days=7)).isoformat(),
            "end": today.isoformat(),
        },
    )
    rows = read_csv(response)
    assert rows[0][0] == "Reference"
    assert len(rows) == 2
    assert rows[1][6] == "25.00" and rows[1][11] == "Ada Lovelace"
    log = SupporterAccessLog.objects.get()
    assert log.user == staff and log.action == "export"


def test_exports_need_permission(client, appeal):
    user = get_user_model().objects.create_user(
        "editor", "e@example.org", "pw-long-enough-1"
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/admin/fundraising/exports/accounts.csv")
    assert response.status_code in (302, 403)
    assert not SupporterAccessLog.objects.exists()


def test_dashboard_shows_this_weeks_and_months_income(client, staff, appeal, donor):
    paid_gift(appeal, donor, 2500)
    html = client.get("/admin/").content.decode()
    assert "Card donations" in html
    assert "Card donations this week: <strong>£25</strong>" in html
    assert "<svg" in html and "<script" not in html.split("Card donations")[1][:3000]


def test_gift_aid_schedule_only_in_charity_mode_in_hmrc_layout(
    client, staff, appeal, donor
):
    declaration = GiftAidDeclaration.objects.create(
        supporter=donor,
        first_name="Ada",
        last_name="Lovelace",
        house="12",
        postcode="LS1 4AP",
    )
    paid_gift(appeal, donor, 2500, declaration=declaration)
    paid_gift(appeal, donor, 900)  # no declaration
    url = "/admin/fundraising/exports/gift-aid.csv"
    assert client.get(url).status_code in (302, 403)  # Wagtail redirects refusals
    assert not SupporterAccessLog.objects.exists()

    from home.models import SiteSettings

    row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    row.is_registered_charity = True
    row.save()
    rows = read_csv(client.get(url))
    assert rows[0] == [
        "Title",
        "First name or initial",
        "Last name",
        "House name or number",
        "Postcode",
        "Aggregated donations",
        "Sponsored event",
        "Donation date",
        "Amount",
    ]
    assert rows[1][1:5] == ["Ada", "Lovelace", "12", "LS1 4AP"]
    assert rows[1][8] == "25.00"
    assert len(rows) == 2


def test_erasure_keeps_amounts_removes_identity_and_keeps_gift_aid(appeal, donor):
    declaration = GiftAidDeclaration.objects.create(
        supporter=donor,
        first_name="Ada",
        last_name="Lovelace",
        house="12",
        postcode="LS1 4AP",
    )
    gift = paid_gift(appeal, donor, 2500, declaration=declaration)
    unused = GiftAidDeclaration.objects.create(
        supporter=donor,
        first_name="Ada",
        last_name="Lovelace",
        house="12",
        postcode="LS1 4AP",
    )
    exported = privacy.data_export(supporter=donor)["donations"]
    assert exported["donations"][0]["amount_pence"] == 2500
    assert exported["gift_aid_declarations"]

    privacy.supporter_erase(supporter=donor, source="test")

    gift.refresh_from_db()
    assert gift.supporter_id is None and gift.amount_pence == 2500
    assert gift.paid_at is not None
    assert GiftAidDeclaration.objects.filter(pk=declaration.pk).exists()  # HMRC
    assert not GiftAidDeclaration.objects.filter(pk=unused.pk).exists()
    appeal.refresh_from_db()
    assert appeal.raised_pence == 2500 and appeal.donor_count == 1
    out = io.StringIO()
    call_command("recompute_appeal_totals", stdout=out)
    assert "No drift" in out.getvalue()


def test_seed_demo_creates_the_appeal_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    from fundraising.seed import seed_fundraising

    seed_fundraising(log=lambda _msg: None)
    seed_fundraising(log=lambda _msg: None)
    appeal = Appeal.objects.get()
    assert appeal.crowdjustice_pence == 842_000
    assert appeal.raised_pence == 842_000 + 25_000 + 8_500
    assert Donation.objects.count() == 3
    out = io.StringIO()
    call_command("recompute_appeal_totals", stdout=out)
    assert "No drift" in out.getvalue()


def test_erased_donors_gift_aid_is_deleted_after_hmrc_retention(appeal, donor):
    from fundraising.privacy import gift_aid_retention_sweep

    declaration = GiftAidDeclaration.objects.create(
        supporter=donor,
        first_name="Ada",
        last_name="Lovelace",
        house="12",
        postcode="LS1 4AP",
    )
    gift = paid_gift(appeal, donor, 2500, declaration=declaration)
    privacy.supporter_erase(supporter=donor, source="test")
    now = timezone.now()
    six_years = now + datetime.timedelta(days=366 * 6)
    assert gift_aid_retention_sweep(now=six_years) == 0
    assert gift_aid_retention_sweep(now=six_years + datetime.timedelta(days=800)) == 1
    gift.refresh_from_db()
    assert gift.gift_aid_declaration is None and gift.amount_pence == 2500
