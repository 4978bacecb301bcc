"""Staff exports: the accounts CSV for one appeal, refused dates, and staff
who may use the admin but not see donations."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from fundraising.models import Appeal
from supporters.models import SupporterAccessLog

from .test_admin import paid_gift, read_csv, staff  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff")]
ACCOUNTS = "/admin/fundraising/exports/accounts.csv"


def test_accounts_csv_for_one_appeal_lists_only_its_gifts(client, appeal, donor):
    other = Appeal.objects.create(
        name="Press fund", slug="press-fund", purpose="Posters.", target_pence=10_000
    )
    paid_gift(appeal, donor, 2500)
    paid_gift(other, donor, 700)
    today = timezone.localdate().isoformat()
    rows = read_csv(
        client.get(ACCOUNTS, {"start": today, "end": today, "appeal": other.pk})
    )
    assert len(rows) == 2
    assert rows[1][2] == "Press fund" and rows[1][6] == "7.00"


def test_accounts_csv_with_an_unreadable_date_is_a_400_and_not_logged(
    client, appeal, donor
):
    paid_gift(appeal, donor, 2500)
    response = client.get(ACCOUNTS, {"start": "31/31/2026", "end": ""})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert not SupporterAccessLog.objects.exists()


def test_staff_without_the_donations_right_cannot_open_exports(client, appeal, donor):
    user = get_user_model().objects.create_user(
        "editor", "e@example.org", "pw-long-enough-1"
    )
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    paid_gift(appeal, donor, 2500)
    for url in ("/admin/fundraising/exports/", ACCOUNTS):
        response = client.get(url)
        assert (response.status_code, response.get("Location")) in {
            (403, None),
            (302, "/admin/"),
        }
        assert b"Ada Lovelace" not in response.content
    assert not SupporterAccessLog.objects.exists()
