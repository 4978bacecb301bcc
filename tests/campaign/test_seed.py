"""The demo content: seeded once, idempotent, and served."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from campaign.models import CampaignPage, UpdatePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_creates_the_campaign_with_demands_timeline_and_hashtag(seeded):
    campaign = CampaignPage.objects.live().get()
    assert campaign.hashtag == "LabelsLastaLifetime"
    assert campaign.crowdjustice_url.startswith("https://www.crowdjustice.com/")
    assert len(campaign.demands) == 4
    states = [m.state for m in campaign.milestones.all()]
    assert "done" in states and "next" in states and "upcoming" in states


def test_seed_creates_five_updates_over_several_weeks_with_topics(seeded):
    updates = list(UpdatePage.objects.live().order_by("date"))
    assert len(updates) == 5
    assert (updates[-1].date - updates[0].date).days >= 21
    assert all(update.topics.exists() for update in updates)
    assert any(update.hero_image_id for update in updates)


def test_seed_attaches_a_generated_briefing_pdf(seeded):
    document = get_document_model().objects.get()
    assert document.file.read(5) == b"%PDF-"
    assert document.type_and_size.startswith("PDF, ")


def test_seed_is_idempotent(seeded):
    call_command("seed_demo", stdout=io.StringIO())
    assert CampaignPage.objects.count() == 1
    assert UpdatePage.objects.count() == 5
    assert get_image_model().objects.count() == 2
    assert get_document_model().objects.count() == 1


def test_seeded_pages_are_served(seeded, client):
    for url in ["/", "/labels-last-a-lifetime/", "/updates/", "/briefings/", "/about/"]:
        assert client.get(url).status_code == 200, url
