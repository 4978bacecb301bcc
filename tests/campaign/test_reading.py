"""What readers see: campaign, updates (paginated, by topic, feeds), briefings."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from campaign import factories
from campaign.models import Topic

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
ATOM_ENTRY = "{http://www.w3.org/2005/Atom}entry"


def parse_feed(content: bytes):
    return ElementTree.fromstring(content)  # noqa: S314 - our own feed output


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def index():
    return factories.update_index_create()


@pytest.fixture
def topics():
    return {
        "npd": Topic.objects.create(name="National Pupil Database"),
        "jr": Topic.objects.create(name="Judicial review"),
    }


def test_campaign_page_shows_demands_timeline_briefings_and_share_links(client):
    briefing = factories.document_create(title="AP census briefing")
    page = factories.campaign_page_create(
        title="Labels last a lifetime",
        demands=[
            ("demand", {"title": "Keep pupil data safe", "text": ""}),
            ("demand", {"title": "Tell families", "text": "Always."}),
        ],
        milestones=[
            {"title": "Letter before action sent", "state": "done"},
            {"title": "Claim filed", "state": "next"},
            {"title": "Hearing", "state": "upcoming", "date_label": "Spring"},
        ],
        briefings=[briefing],
    )
    soup = soup_of(client.get(page.url))
    assert soup.h1.text == "Labels last a lifetime"
    demands = soup.find("section", class_="demands")
    assert [s.text for s in demands.find_all("strong")] == [
        "Keep pupil data safe",
        "Tell families",
    ]
    states = [li["class"][1] for li in soup.select("section.timeline li")]
    assert states == ["milestone--done", "milestone--next", "milestone--upcoming"]
    download = soup.select_one("section.briefings .download")
    assert "AP census briefing" in download.text and "(PDF, " in download.text
    share = soup.find("section", class_="share")
    networks = [a.text for a in share.find_all("a")]
    assert networks == ["Email", "Bluesky", "Mastodon", "X", "Facebook", "WhatsApp"]
    for link in share.find_all("a"):
        assert "LabelsLastaLifetime" in link["href"]
    assert not soup.find("script", src=lambda s: s and s.startswith("http"))


def test_campaign_page_links_to_its_crowdjustice_page_or_the_site_default(client):
    from wagtail.models import Site

    from home.models import SiteSettings

    own = factories.campaign_page_create(crowdjustice_url="https://cj.example/own")
    plain = factories.campaign_page_create(crowdjustice_url="")
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.default_crowdjustice_url = "https://cj.example/default"
    settings_row.save()
    assert soup_of(client.get(own.url)).find("a", href="https://cj.example/own")
    assert soup_of(client.get(plain.url)).find("a", href="https://cj.example/default")


def test_update_index_lists_newest_first_and_paginates(client, index):
    today = timezone.localdate()
    for days in range(12):
        factories.update_page_create(
            index=index,
            title=f"Update {days} days old",
            date=today - datetime.timedelta(days=days),
        )
    first = soup_of(client.get(index.url))
    titles = [a.text for a in first.select(".card-list .card__title a")]
    assert titles[0] == "Update 0 days old"
    assert len(titles) == 10
    second = soup_of(client.get(index.url + "?page=2"))
    assert [a.text for a in second.select(".card__title a")] == [
        "Update 10 days old",
        "Update 11 days old",
    ]
    # Nonsense page numbers show a page rather than an error.
    assert client.get(index.url + "?page=abc").status_code == 200
    assert client.get(index.url + "?page=999").status_code == 200


def test_update_index_filters_by_topic(client, index, topics):
    factories.update_page_create(
        index=index, title="About the NPD", topics=[topics["npd"]]
    )
    factories.update_page_create(
        index=index, title="About the case", topics=[topics["jr"]]
    )
    soup = soup_of(client.get(index.url + "topic/judicial-review/"))
    assert [a.text for a in soup.select(".card__title a")] == ["About the case"]
    assert "Judicial review" in soup.h1.text
    filters = [a.text for a in soup.select(".topic-filter a")]
    assert filters == ["All updates", "Judicial review", "National Pupil Database"]


@pytest.mark.parametrize(
    "path", ["topic/no-such-topic/", "topic/no-such-topic/feed/", "topic/%00/"]
)
def test_unknown_topic_is_a_404(client, index, path):
    assert client.get(index.url + path).status_code == 404


def test_topic_without_live_updates_is_a_404(client, index, topics):
    draft = factories.update_page_create(index=index, topics=[topics["jr"]])
    draft.unpublish()
    assert client.get(index.url + "topic/judicial-review/").status_code == 404


def test_feed_of_all_updates_is_atom_with_absolute_links(client, index, topics):
    factories.update_page_create(
        index=index, title="Letter sent", author_name="Director", topics=[topics["jr"]]
    )
    response = client.get(index.url + "feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_feed(response.content)
    entry = feed.find("atom:entry", ATOM)
    assert entry.findtext("atom:title", namespaces=ATOM) == "Letter sent"
    link = entry.find("atom:link", ATOM).get("href")
    assert link.startswith("http://testserver/updates/")
    assert entry.findtext("atom:author/atom:name", namespaces=ATOM) == "Director"
    assert entry.find("atom:category", ATOM).get("term") == "Judicial review"


def test_topic_feed_has_only_that_topic(client, index, topics):
    factories.update_page_create(index=index, title="NPD news", topics=[topics["npd"]])
    factories.update_page_create(index=index, title="Case news", topics=[topics["jr"]])
    feed = parse_feed(
        client.get(index.url + "topic/national-pupil-database/feed/").content
    )
    titles = [e.findtext("atom:title", namespaces=ATOM) for e in feed.iter(ATOM_ENTRY)]
    assert titles == ["NPD news"]
    assert "National Pupil Database" in feed.findtext("atom:title", namespaces=ATOM)


def test_update_page_shows_date_author_topics_and_campaign(client, index, topics):
    campaign = factories.campaign_page_create(title="Labels last a lifetime")
    image = factories.image_create(size=(1600, 900))
    update = factories.update_page_create(
        index=index,
        title="Letter sent",
        date=datetime.date(2026, 2, 3),
        author_name="Director",
        related_campaign=campaign,
        hero_image=image,
        hero_image_alt="Coloured labels",
        topics=[topics["jr"]],
    )
    soup = soup_of(client.get(update.url))
    assert soup.find("time")["datetime"] == "2026-02-03"
    assert "3 February 2026" in soup.text and "Director" in soup.text
    assert soup.select_one(".topics a")["href"] == "/updates/topic/judicial-review/"
    assert soup.select_one("aside.related a").text == "Labels last a lifetime"
    hero = soup.select_one("img.hero__image")
    assert hero["alt"] == "Coloured labels"
    assert "600w" in hero["srcset"] and "1200w" in hero["srcset"]
    # Share links carry the related campaign's hashtag.
    assert "LabelsLastaLifetime" in soup.select_one(".share a")["href"]


def test_briefings_page_lists_documents_with_summary_type_and_size(client):
    document = factories.document_create(
        title="AP census briefing", content=b"%PDF-" + b"x" * 1_500_000
    )
    page = factories.briefings_page_create(documents=[document])
    soup = soup_of(client.get(page.url))
    item = soup.select_one(".download-list li")
    assert item.a["href"] == document.url
    assert "(PDF, 1.5 MB)" in item.text
    assert "What it covers." in item.text


def test_briefing_documents_download(client, settings, tmp_path):
    # Wagtail serves documents from a local path: use real files here.
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    }
    document = factories.document_create(content=b"%PDF-1.4 briefing")
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 briefing"
