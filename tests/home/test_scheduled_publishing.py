"""Scheduled pages go live on time through the beat-driven task, with times
entered in London time (checked across the spring clock change)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaign import factories
from campaign.models import CampaignPage
from config.celery import app
from home.models import HomePage
from home.tasks import scheduled_pages_publish

pytestmark = pytest.mark.django_db

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def test_beat_runs_the_publishing_task_every_minute():
    entry = app.conf.beat_schedule["publish-scheduled-pages"]
    assert entry["task"] == "home.tasks.scheduled_pages_publish"
    assert entry["schedule"] <= 60


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(
        "chief", "chief@example.org", "a long test password"
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_scheduled_page_goes_live_on_time_across_the_clock_change(admin_client):
    home = HomePage.objects.get()
    url = reverse("wagtailadmin_pages:add", args=["campaign", "campaignpage", home.pk])
    # 29 March 2026: clocks go forward at 01:00 UTC. 02:30 London is 01:30 UTC.
    with time_machine.travel(dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC), tick=False):
        response = admin_client.post(
            url,
            factories.campaign_page_form_data(
                slug="hearing",
                go_live_at="2026-03-29 02:30",
                **{"action-publish": "action-publish"},
            ),
        )
        assert response.status_code == 302
    page = CampaignPage.objects.get(slug="hearing")
    assert not page.live
    go_live = page.get_latest_revision().approved_go_live_at
    assert go_live == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert go_live.astimezone(LONDON).hour == 2

    with time_machine.travel(dt.datetime(2026, 3, 29, 1, 29, tzinfo=UTC), tick=False):
        scheduled_pages_publish.delay()
    page.refresh_from_db()
    assert not page.live

    with time_machine.travel(dt.datetime(2026, 3, 29, 1, 31, tzinfo=UTC), tick=False):
        scheduled_pages_publish.delay()
        scheduled_pages_publish.delay()  # overlapping beat ticks are harmless
    page.refresh_from_db()
    assert page.live
    assert admin_client.get(page.url).status_code == 200


def test_expired_page_is_unpublished_by_the_task(admin_client):
    page = factories.campaign_page_create(slug="old-news")
    page.expire_at = dt.datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    page.save()
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 1, tzinfo=UTC), tick=False):
        scheduled_pages_publish.delay()
    page.refresh_from_db()
    assert not page.live and page.expired


def test_a_scheduled_update_appears_on_the_cached_home_page_when_published(client):
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=UTC), tick=False):
        index = factories.update_index_create()
        update = factories.update_page_create(index=index, title="Hearing listed")
        update.unpublish()
        update.go_live_at = dt.datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
        update.save_revision().publish()  # a future go-live: scheduled
        update.refresh_from_db()
        assert not update.live
        assert "Hearing listed" not in client.get("/").content.decode()  # cached
    with time_machine.travel(dt.datetime(2026, 7, 1, 8, 1, tzinfo=UTC), tick=False):
        scheduled_pages_publish.delay()
        assert "Hearing listed" in client.get("/").content.decode()
