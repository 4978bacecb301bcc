"""Staff pages: list with filters, CSV export (audit-logged), expected income
by month, remind now, and the milestone call-in confirmation."""

import uuid

import pytest
from django.urls import reverse

from fundraising.pledges.models import Pledge
from supporters.models import EmailMessageLog, SupporterAccessLog

from .factories import pledge_make

pytestmark = pytest.mark.django_db


def test_pledge_list_filters_by_status_and_appeal(admin_client, appeal):
    pledge_make(appeal=appeal, amount_pence=1234)
    pledge_make(appeal=appeal, amount_pence=5678, confirm=False)
    url = reverse("pledges_admin:index")
    response = admin_client.get(url, {"status": "confirmed", "appeal": appeal.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "£12.34" in body
    assert "£56.78" not in body


def test_pledge_list_queries_do_not_grow_with_rows(
    admin_client, appeal, django_assert_max_num_queries
):
    pledge_make(appeal=appeal)
    url = reverse("pledges_admin:index")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    for _ in range(30):
        pledge_make(appeal=appeal)
    with django_assert_max_num_queries(len(one.captured_queries) + 2):
        admin_client.get(url)


def test_csv_export_streams_the_filtered_rows_and_is_logged(admin_client, appeal):
    pledge_make(appeal=appeal, amount_pence=2500, email="=cmd@example.org")
    pledge_make(appeal=appeal, confirm=False)
    response = admin_client.get(reverse("pledges_csv"), {"status": "confirmed"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("Reference,Appeal,Amount")
    assert len(lines) == 2
    assert "25.00" in lines[1]
    assert "'=cmd@example.org" in lines[1]  # no spreadsheet formulas
    log = SupporterAccessLog.objects.get()
    assert log.action == "export"
    assert "Pledges CSV: 1 row(s)" in log.detail


def test_csv_export_needs_the_export_permission(client, appeal, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="x" * 12)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_pledge"),
    )
    client.force_login(user)
    refused = client.get(reverse("pledges_csv"))
    # Wagtail turns PermissionDenied into a redirect with a message.
    assert refused.status_code == 302
    assert not refused.get("Content-Disposition")
    assert client.get(reverse("pledges_income")).status_code == 200
    assert not SupporterAccessLog.objects.exists()


def test_expected_income_by_month(admin_client, appeal):
    import datetime

    from fundraising.pledges import schedule

    today = schedule.london_today()
    pledge_make(
        appeal=appeal, amount_pence=1000, due_date=today + datetime.timedelta(days=2)
    )
    pledge_make(
        appeal=appeal, amount_pence=2000, when="milestone", milestone_key=uuid.uuid4()
    )
    response = admin_client.get(reverse("pledges_income"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "£30" in body
    assert "Waiting for a milestone" in body


def test_remind_now_sends_the_next_reminder(
    admin_client, appeal, django_capture_on_commit_callbacks
):
    pledge = pledge_make(appeal=appeal)
    url = reverse("pledges_remind_now", args=[pledge.pk])
    assert admin_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    assert EmailMessageLog.objects.filter(template="pledge_reminder").count() == 1
    assert pledge.reminders.get(number=1).manual


def test_call_in_page_shows_count_and_amount_then_calls_in(
    admin_client, appeal, django_capture_on_commit_callbacks
):
    key = uuid.uuid4()
    pledge_make(appeal=appeal, amount_pence=2500, when="milestone", milestone_key=key)
    pledge_make(appeal=appeal, amount_pence=7500, when="milestone", milestone_key=key)
    url = reverse("pledges_call_in", args=[key])
    params = {"appeal": appeal.pk, "title": "Permission granted", "next": "/admin/"}
    response = admin_client.get(url, params)
    body = response.content.decode()
    assert "<strong>2</strong> pledge(s) worth <strong>£100</strong>" in body
    assert not Pledge.objects.filter(due_date__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, params)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert Pledge.objects.filter(due_date__isnull=False).count() == 2
    assert EmailMessageLog.objects.filter(template="pledge_reminder").count() == 2


def test_call_in_ignores_an_offsite_next_url(admin_client, appeal):
    url = reverse("pledges_call_in", args=[uuid.uuid4()])
    response = admin_client.post(
        url, {"appeal": appeal.pk, "title": "M", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("pledges_admin:index")


def test_call_in_without_appeal_is_a_clear_message_not_a_500(admin_client):
    url = reverse("pledges_call_in", args=[uuid.uuid4()])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert "needs the milestone" in response.content.decode()


def test_staff_cannot_add_or_delete_pledges(admin_client):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("pledges_admin:copy", args=[1])
    response = admin_client.get(reverse("pledges_admin:add"))
    assert response.status_code in (302, 403)
