"""The status page's progress bar moves without a reload, under the admin CSP."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from supporters.mailings.models import Mailing
from tests.conftest import tool_missing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; the ORM refuses to
# run inside one unless told it is deliberate (test code only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        tool_missing("browser tests need Chromium (.ci/browser-setup installs it)")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


def test_progress_bar_updates_without_reloading(
    page, live_server, django_user_model, mailing_factory
):
    user = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.org", password="x" * 12
    )
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    mailing = mailing_factory()
    Mailing.objects.filter(pk=mailing.pk).update(
        status="sending",
        recipients_total=200,
        snapshot_at=timezone.now(),
        started_at=timezone.now(),
    )
    page.goto(live_server.url + reverse("mailings:status", args=[mailing.pk]))
    bar = page.locator("[data-progress-bar]")
    assert float(bar.get_attribute("value")) == 0
    page.evaluate("window.notReloaded = true")

    Mailing.objects.filter(pk=mailing.pk).update(
        sent_count=90, failed_count=10, last_batch_at=timezone.now()
    )
    expect(bar).to_have_attribute("value", "50", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    assert page.locator('[data-field="sent"]').inner_text() == "90"
    assert "100 of 200 done" in page.locator("[data-progress-summary]").inner_text()
    artifacts = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "mailings-status.png"), full_page=True)
    # (Wagtail's avatar from gravatar.com is blocked by img-src: not ours.)
    assert [v for v in violations if "script-src" in v] == []
