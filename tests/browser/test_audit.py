"""Privacy and accessibility audit of every public page type, in Chromium.

Each page type of the seeded demo (every Wagtail page type, and the app pages:
donate, thank-you, cancelled, pledge, sign-up, the signed-link pages, search,
404) is opened at 360 px wide by an anonymous reader and must: request nothing
from any host but the site, set no cookie but ``csrftoken``, pass axe-core's
WCAG 2.2 AA rules with no serious or critical finding, not overflow
sideways, and break no Content-Security-Policy rule.

The signed-link pages are reached through the links the platform really
emails (services run in this process; the messages land in ``mailoutbox``).
"""

from __future__ import annotations

import datetime
import uuid
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import (
    axe_violations,
    horizontal_overflow,
    path_of,
    save_screenshot,
)

# Serialized rollback: the pages and groups that migrations create come back
# for each test (a transactional test's teardown empties every table).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def wagtail_page_paths() -> list[tuple[str, str]]:
    """One URL per live public Wagtail page type; grows as page types do."""
    from wagtail.models import Page

    paths = [("home", "/")]
    seen_types = set()
    for page in Page.objects.live().public().specific().filter(depth__gt=2):
        if type(page) in seen_types:
            continue
        seen_types.add(type(page))
        if url := page.get_url():
            paths.append((type(page).__name__, url))
    return paths


def demo_appeal():
    """The demo's appeal (made here if the fundraising seed has none)."""
    from fundraising.models import Appeal

    appeal = Appeal.objects.filter(is_open=True).order_by("pk").first()
    return appeal or Appeal.objects.create(
        name="Judicial review fund",
        slug="judicial-review",
        purpose="Legal costs of challenging the census changes.",
        target_pence=2_500_000,
        deadline=datetime.date.today() + datetime.timedelta(days=60),
    )


def emailed_link(outbox, path: str) -> str:
    for message in reversed(outbox):
        for word in message.body.split():
            if path in word:
                return path_of(word.strip("<>()\"'"))
    raise AssertionError(f"no {path} link in {[m.subject for m in outbox]}")


def app_page_paths(stripe_double, outbox) -> list[tuple[str, str, int]]:
    """The non-Wagtail public pages, each as (name, path, expected status)."""
    from django.conf import settings

    from fundraising.pledges import links
    from fundraising.pledges import services as pledges
    from fundraising.services.checkout import donation_checkout_start
    from supporters import tokens
    from supporters.consent import current_wording
    from supporters.data_requests import data_access_send, data_erasure_request
    from supporters.models import Topic
    from supporters.services import PURPOSE_EMAIL_UPDATES, supporter_upsert
    from supporters.subscriptions import signup_request

    appeal = demo_appeal()
    reader = supporter_upsert(email="audit.reader@example.org", source="audit")

    gift = donation_checkout_start(
        appeal=appeal,
        supporter=reader,
        amount_pence=2500,
        frequency="one_off",
        checkout_key=uuid.uuid4().hex,
        cancel_url=f"{settings.BASE_URL}/donate/{appeal.slug}/cancelled/",
    )
    stripe_double.pay(gift.checkout_session_id)

    signup_request(
        email="audit.signup@example.org",
        first_name="Ada",
        topics=list(Topic.objects.filter(is_public=True)[:1]),
        source="audit",
        wording_version=current_wording(PURPOSE_EMAIL_UPDATES).version,
    )
    confirm_signup = emailed_link(outbox, "/signup/confirm/")
    data_access_send(supporter=reader)
    download = emailed_link(outbox, "/my-data/download/")
    data_erasure_request(supporter=reader)
    erase = emailed_link(outbox, "/my-data/delete/")
    preferences = tokens.token_make(tokens.PREFERENCES, {"s": reader.pk})
    unsubscribe = tokens.token_make(tokens.UNSUBSCRIBE, {"s": reader.pk})

    pledge = pledges.pledge_create(
        appeal=appeal,
        email="audit.pledger@example.org",
        first_name="Sam",
        amount_pence=2500,
        when="date",
        due_date=datetime.date.today() + datetime.timedelta(days=10),
        source="audit",
    )
    return [
        ("donate", "/donate/", 200),
        ("donate to an appeal", f"/donate/{appeal.slug}/", 200),
        ("donation cancelled", f"/donate/{appeal.slug}/cancelled/", 200),
        (
            "thank you",
            f"/donate/thank-you/?session_id={gift.checkout_session_id}",
            200,
        ),
        ("pledge form", f"/pledge/{appeal.slug}/", 200),
        ("pledge sent", f"/pledge/{appeal.slug}/check-your-email/", 200),
        ("pledge confirm", path_of(links.pledge_url(links.CONFIRM, pledge.pk)), 200),
        ("pledge manage", path_of(links.pledge_url(links.MANAGE, pledge.pk)), 200),
        ("sign-up", "/signup/", 200),
        ("sign-up thanks", "/signup/thanks/", 200),
        ("sign-up confirm", confirm_signup, 200),
        ("preference centre", f"/email/preferences/{preferences}/", 200),
        ("preference link request", "/email/preferences/", 200),
        ("unsubscribe", f"/email/unsubscribe/{unsubscribe}/", 200),
        ("copy of my data", download, 200),
        ("erasure confirm", erase, 200),
        ("broken link", "/email/preferences/not-a-real-token/", 400),
        ("search results", "/search/?q=pupil+data", 200),
        ("not found", "/no-such-page/", 404),
    ]


def test_every_public_page_passes_the_privacy_and_accessibility_audit(
    demo_site,
    stripe_double,
    mailoutbox,
    page,
    site_url,
    requested_hosts,
    csp_violations,
):
    pages = [(name, path, 200) for name, path in wagtail_page_paths()]
    pages += app_page_paths(stripe_double, mailoutbox)
    own_host = urlsplit(site_url).netloc
    page.set_viewport_size({"width": 360, "height": 800})
    problems = {}
    for name, path, status in pages:
        page.context.clear_cookies()
        requested_hosts.clear()
        csp_violations.clear()
        response = page.goto(site_url + path)
        found = {}
        if response.status != status:
            found["status"] = response.status
        if set(requested_hosts) != {own_host}:
            found["hosts"] = sorted(set(requested_hosts))
        cookies = {c["name"] for c in page.context.cookies()} - {"csrftoken"}
        if cookies:
            found["cookies"] = sorted(cookies)
        if (overflow := horizontal_overflow(page)) > 0:
            found["overflow_px"] = overflow
        if violations := axe_violations(page):
            found["axe"] = violations
        if csp_violations:
            found["csp"] = list(csp_violations)
        if found:
            problems[f"{name} {path}"] = found
        save_screenshot(page, f"audit-{name}")
    assert len(pages) >= 25, [name for name, *_ in pages]
    assert problems == {}
