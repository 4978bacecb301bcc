"""Journey: on the embedded default (tasks in-process, mail to files), staff
open the demo mailing, preview it and send it to the demo list; the page
ends at "Sent" and every subscriber has exactly one file in the mail folder.

No worker and no broker: this is what a newcomer's ``make run`` does, and it
runs in both CI configurations.
"""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from playwright.sync_api import expect

from supporters.mailings.models import Mailing
from supporters.mailings.seed import DEMO_SUBJECT, seed_mailings
from supporters.models import Subscription
from supporters.seed import seed_supporters
from tests.browser.conftest import admin_login, save_screenshot, staff_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_staff_send_the_demo_mailing_in_process_one_file_per_recipient(
    page, live_server, settings, tmp_path
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "supporters.mail_files.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path / "mail")},
        }
    }
    seed_supporters(log=lambda *_: None)
    seed_mailings(log=lambda *_: None)
    mailing = Mailing.objects.get(subject=DEMO_SUBJECT)
    subscribers = sorted(
        Subscription.objects.filter(
            topic__slug="campaign-updates", status="confirmed"
        ).values_list("supporter__email", flat=True)
    )
    assert subscribers, "the demo list has confirmed subscribers"
    admin_login(page, live_server.url, staff_user("sender", superuser=True))

    status_url = f"{live_server.url}/admin/mailings/{mailing.pk}/status/"
    page.goto(status_url)
    expect(page.get_by_text(f"It would go to {len(subscribers)}")).to_be_visible()
    page.get_by_role("link", name=re.compile("Preview")).click()
    expect(page.locator("iframe").first).to_be_visible()
    save_screenshot(page, "demo-mailing-preview")

    page.goto(status_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text(f"Sent to a snapshot of {len(subscribers)}")).to_be_visible(
        timeout=30_000
    )
    expect(page.locator("[data-progress-summary]")).to_contain_text(
        f"{len(subscribers)} of {len(subscribers)} done"
    )
    save_screenshot(page, "demo-mailing-sent")

    files = sorted((tmp_path / "mail").glob("*.eml"))
    received = sorted(
        str(email.message_from_bytes(f.read_bytes(), policy=email.policy.default)["To"])
        for f in files
    )
    assert received == subscribers  # one file each, nobody twice, nobody else
    mailing.refresh_from_db()
    assert (mailing.status, mailing.sent_count) == ("sent", len(subscribers))
