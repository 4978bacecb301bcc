"""Pledge staff pages when the request does not fit: filters that are not
valid, a summary for one appeal, reminding a pledge that has ended."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fundraising.pledges import schedule, services
from supporters.models import EmailMessageLog, SupporterAccessLog

from .factories import appeal_make, pledge_make

pytestmark = pytest.mark.django_db


def test_csv_export_with_invalid_filters_says_so_and_exports_nothing(
    admin_client, appeal
):
    pledge_make(appeal=appeal)
    response = admin_client.get(
        reverse("pledges_csv"), {"status": "not-a-status"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("pledges_admin:index")
    assert "Those filters are not valid." in response.content.decode()
    assert not SupporterAccessLog.objects.exists()


def test_expected_income_for_one_appeal_leaves_out_the_others(admin_client, appeal):
    other = appeal_make(name="Press fund")
    due = schedule.london_today() + datetime.timedelta(days=3)
    pledge_make(appeal=appeal, amount_pence=1000, due_date=due)
    pledge_make(appeal=other, amount_pence=7700, due_date=due)
    body = admin_client.get(
        reverse("pledges_income"), {"appeal": other.pk}
    ).content.decode()
    assert "£77" in body
    assert "£10" not in body
    everything = admin_client.get(reverse("pledges_income")).content.decode()
    assert "£87" in everything


def test_remind_now_on_a_cancelled_pledge_is_refused_and_sends_nothing(
    admin_client, appeal, django_capture_on_commit_callbacks
):
    pledge = pledge_make(appeal=appeal)
    services.pledge_cancel(pledge_id=pledge.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("pledges_remind_now", args=[pledge.pk]), follow=True
        )
    assert response.status_code == 200
    assert "cancelled" in response.content.decode()
    assert not pledge.reminders.filter(status="sent").exists()
    assert not EmailMessageLog.objects.filter(template="pledge_reminder").exists()
