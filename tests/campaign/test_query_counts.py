"""Each public page costs a bounded number of SQL queries, whatever the data
size: the same count with 1 or 100 updates and documents, and at most 20."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign import factories
from campaign.models import CampaignBriefing, Topic, UpdatePage
from home.models import HomePage

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def build_site(n: int):
    """A site with n updates (each with its own image and two topics) and a
    campaign page with n related briefings."""
    topics = [Topic.objects.create(name=f"Topic {i}") for i in range(2)]
    documents = [factories.document_create() for _ in range(n)]
    campaign = factories.campaign_page_create(briefings=documents)
    index = factories.update_index_create()
    today = timezone.localdate()
    for number in range(n):
        image = factories.image_create(title=f"image {number}", size=(64, 36))
        update = UpdatePage(
            title=f"Update {number}",
            slug=f"update-{number}",
            standfirst="News.",
            date=today - datetime.timedelta(days=number),
            hero_image=image,
            hero_image_alt="An image",
            related_campaign=campaign,
        )
        index.add_child(instance=update)
        update.topics.set(topics)
        update.save()
    home = HomePage.objects.get()
    home.featured_campaign = campaign
    home.save_revision().publish()
    briefings = factories.briefings_page_create(documents=documents)
    assert CampaignBriefing.objects.filter(page=campaign).count() == n
    return {
        "home": "/",
        "campaign": campaign.url,
        "index": index.url,
        "topic": index.url + "topic/topic-0/",
        "feed": index.url + "feed/",
        "briefings": briefings.url,
        "update": UpdatePage.objects.live().first().url,
    }


def cold_query_count(client, url: str) -> int:
    """Queries of a render with empty caches (renditions already exist, as
    they do once pages are published)."""
    assert client.get(url).status_code == 200  # makes any missing renditions
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


PAGES = ["home", "campaign", "index", "topic", "feed", "briefings", "update"]


@pytest.fixture
def counts_for(client):
    def measure(n: int) -> dict[str, int]:
        urls = build_site(n)
        return {name: cold_query_count(client, urls[name]) for name in PAGES}

    return measure


def test_page_queries_do_not_grow_with_updates_and_documents(
    counts_for, django_db_blocker
):
    one = counts_for(1)
    # Start again with 100 of each (a fresh tree under the same home page).
    from wagtail.models import Page

    for page in Page.objects.filter(depth=3):
        page.delete()
    Topic.objects.all().delete()
    hundred = counts_for(100)
    assert hundred == one
    assert max(one.values()) <= MAX_QUERIES, one


@pytest.mark.parametrize("name", ["home", "campaign", "update"])
def test_warm_fragment_caches_cut_the_queries_further(client, name):
    urls = build_site(3)
    cold = cold_query_count(client, urls[name])
    with CaptureQueriesContext(connection) as warm:
        client.get(urls[name])
    assert len(warm) <= cold - 3, (len(warm), cold)
