"""One design system on every public page: one stylesheet, icons, a meta
description; the staff style guide; the favicon."""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.management import call_command
from wagtail.models import Page

from tests.conftest import ROOT


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())


def public_paths() -> list[str]:
    seen, paths = set(), ["/"]
    for page in Page.objects.live().public().specific().filter(depth__gt=2):
        if type(page) not in seen:
            seen.add(type(page))
            paths.append(page.get_url())
    return [
        *paths,
        "/donate/",
        "/donate/judicial-review/",
        "/pledge/judicial-review/",
        "/signup/",
        "/search/?q=pupil",
        "/no-such-page/",
    ]


def test_every_public_page_loads_the_one_stylesheet_icons_and_a_description(
    client, demo
):
    paths = public_paths()
    assert len(paths) >= 11
    for path in paths:
        response = client.get(path)
        assert response.status_code == (404 if "no-such" in path else 200), path
        head = BeautifulSoup(response.content, "html.parser").head
        sheets = [link["href"] for link in head.select("link[rel=stylesheet]")]
        assert sheets == ["/static/css/site.css"], path
        assert head.select_one("link[rel=icon][href='/favicon.ico']"), path
        assert head.select_one("link[rel=apple-touch-icon]"), path
        description = head.select_one("meta[name=description]")
        assert description and len(description["content"]) > 20, path
        assert not BeautifulSoup(response.content, "html.parser").select("[style]"), (
            path
        )


def test_every_static_file_a_template_names_exists():
    named = set()
    for template in (ROOT / "templates").rglob("*.html"):
        named.update(re.findall(r"{% static '([^']+)' %}", template.read_text()))
    assert "css/site.css" in named
    assert [name for name in sorted(named) if not finders.find(name)] == []


def test_favicon_ico_leads_to_the_generated_icon(client):
    for method in (client.get, client.head):
        response = method("/favicon.ico")
        assert response.status_code == 301
        assert response["Location"] == "/static/icons/favicon.ico"
    assert finders.find("icons/favicon.ico")


def test_style_guide_is_for_signed_in_staff_only_and_never_indexed(client, demo):
    response = client.get("/styleguide/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    reader = get_user_model().objects.create_user("reader", password="x" * 20)
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/styleguide/").status_code == 302
    editor = get_user_model().objects.create_user(
        "editor", password="x" * 20, is_staff=True
    )
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/styleguide/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = BeautifulSoup(response.content, "html.parser")
    for component in [
        ".button",
        ".link-button",
        ".field input",
        ".choice-cards .choice-card",
        ".choice-card__note",
        ".steps > fieldset > legend",
        ".notice--success",
        ".notice--error",
        ".card",
        ".appeal-progress progress",
        ".stats .stat",
        ".statistic",
        ".timeline__list .milestone",
        ".share__list a",
        "form.pledge-form .choice-option__detail",
    ]:
        assert page.select(component), component
    assert "Disallow: /styleguide/" in client.get("/robots.txt").text


def test_campaign_page_keeps_the_appeal_and_a_donate_bar_in_reach(client, demo):
    from campaign.models import CampaignPage

    campaign = CampaignPage.objects.live().first()
    page = BeautifulSoup(client.get(campaign.url).content, "html.parser")
    top = page.select_one(".campaign__top .appeal-progress")
    assert "£" in top.select_one(".appeal-progress__amount").get_text()
    bar = page.select_one("article.campaign > .donate-bar")
    assert bar is page.select("article.campaign > *")[-1]  # sticks to the end
    assert [a["href"] for a in bar.select("a")] == [
        f"/donate/{campaign.appeal.slug}/",
        "#pledge",
    ]
    assert page.select_one("#pledge form.pledge-form")
    campaign.appeal.is_open = False
    campaign.appeal.save()
    page = BeautifulSoup(client.get(campaign.url).content, "html.parser")
    assert not page.select(".donate-bar")
