"""Privacy and accessibility audit of every public page type, in Chromium."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser.conftest import (
    axe_violations,
    horizontal_overflow,
    save_screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


def public_page_paths() -> list[str]:
    """One URL per public page type; grows as features add page types."""
    from wagtail.models import Page

    paths = ["/"]
    seen_types = set()
    for page in Page.objects.live().public().specific().filter(depth__gt=2):
        if type(page) in seen_types:
            continue
        seen_types.add(type(page))
        if url := page.get_url():
            paths.append(url)
    return paths


@pytest.fixture
def demo_site(settings, tmp_path):
    """The seeded demo: every page type with realistic content."""
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())


def test_public_pages_pass_the_privacy_and_accessibility_audit(
    demo_site, page, site_url, requested_hosts, csp_violations
):
    own_host = urlsplit(site_url).netloc
    page.set_viewport_size({"width": 360, "height": 800})
    for path in public_page_paths():
        page.context.clear_cookies()
        response = page.goto(site_url + path)
        assert response.status == 200, path
        assert set(requested_hosts) == {own_host}, (path, set(requested_hosts))
        cookies = [c["name"] for c in page.context.cookies()]
        assert set(cookies) <= {"csrftoken"}, (path, cookies)
        assert horizontal_overflow(page) <= 0, path
        assert axe_violations(page) == [], path
        assert csp_violations == [], (path, csp_violations)
        save_screenshot(page, f"audit{path}")
