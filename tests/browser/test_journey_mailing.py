"""Journey 5: staff compose a mailing, preview it, send it to 500 seeded
supporters and watch the progress bar reach 100%; every supporter got
exactly one email.

The send runs on a real Celery worker through Redis, in batches of 100, into
the Postmark double over anymail's Postmark backend; the status page's own
script polls the progress as a person would see it.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from home.seed import seed_home
from supporters.mailings.models import Mailing
from supporters.mailings.provider_double import PostmarkDouble
from supporters.models import Subscription, Supporter, Topic
from tests.browser.conftest import admin_login, save_screenshot, staff_user

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.worker,
]

PEOPLE = 500


@pytest.fixture
def postmark():
    double = PostmarkDouble(token="server-token").start()
    yield double
    double.stop()


def seed_list(count: int) -> tuple[Topic, list[str]]:
    topic = Topic.objects.create(name="Hearing news", slug="hearing-news")
    people = Supporter.objects.bulk_create(
        Supporter(email=f"reader{i:03}@example.org", first_name=f"Reader{i}")
        for i in range(count)
    )
    Subscription.objects.bulk_create(
        Subscription(
            supporter=p, topic=topic, status="confirmed", confirmed_at=timezone.now()
        )
        for p in people
    )
    # Not on the list: must not get it.
    Supporter.objects.create(email="not.subscribed@example.org")
    return topic, [p.email for p in people]


def add_block(page, name: str):
    page.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name=re.compile(name)).click()


def test_staff_compose_preview_send_to_500_and_everyone_gets_one(
    page, site_url, celery_worker_factory, celery_broker, postmark
):
    seed_home(log=lambda *_: None)
    _topic, addresses = seed_list(PEOPLE)
    celery_worker_factory(
        extra_env={
            "DJANGO_SETTINGS_MODULE": "tests.browser.worker_settings",
            "POSTMARK_DOUBLE_URL": postmark.url,
        }
    )
    page.set_default_timeout(15_000)
    admin_login(page, site_url, staff_user("sam", superuser=True))

    # Compose.
    page.goto(f"{site_url}/admin/mailings/new/")
    page.locator("#id_subject").fill("{{ first_name }}, the hearing is set")
    page.locator("#id_from_name").fill("Defend Pupil Privacy")
    add_block(page, "Heading")
    page.locator("[data-contentpath=body] input[type=text]").last.fill(
        "The High Court will hear our case"
    )
    add_block(page, "Quote")
    page.locator("[data-contentpath=body] textarea").first.fill(
        "Researchers should come to the data, not copy it out."
    )
    page.get_by_label("Hearing news").check()
    page.get_by_role("button", name=re.compile("^(Save|Create)")).first.click()
    mailing = Mailing.objects.get()
    expect(page.locator("[data-audience-count]")).to_have_text(str(PEOPLE))

    # Preview, personalised for the staff member.
    page.get_by_role("link", name=re.compile("Preview")).click()
    preview = page.frame_locator("iframe[title='Desktop preview']")
    expect(preview.get_by_text("The High Court will hear our case")).to_be_visible()
    page.go_back()

    # Send, confirm, and watch the bar fill without reloading by hand.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send now").click()
    expect(page.locator("[data-progress-summary]")).to_have_text(
        re.compile(rf"{PEOPLE} of {PEOPLE} done \(100(\.0)?%\)"), timeout=180_000
    )
    expect(page.locator("[data-progress-bar]")).to_have_attribute(
        "value", re.compile(r"^100(\.0)?$")
    )
    save_screenshot(page, "journey-5-mailing-sent")

    received = Counter(postmark.recipients())
    assert set(received) == set(addresses)
    assert set(received.values()) == {1}, "somebody got more than one copy"
    assert all(call["size"] <= 100 for call in postmark.requests)
    subjects = {m["to"]: m["subject"] for m in postmark.messages}
    assert subjects["reader007@example.org"] == "Reader7, the hearing is set"
    mailing.refresh_from_db()
    assert mailing.status == "sent" and mailing.sent_count == PEOPLE
