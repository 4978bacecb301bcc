"""Journey 6: a supporter asks for a copy of their data, then for erasure,
through the emailed links; afterwards staff can no longer find them.

The supporter starts with nothing but their address (the "email me a link"
form); every step after that is a link in an email a real worker sent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from home.seed import seed_home
from supporters.models import DataRequest, Supporter
from supporters.seed import seed_supporters
from tests.browser.conftest import admin_login, link_in, save_screenshot, staff_user

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.worker,
]

EMAIL = "amira.hassan@example.org"  # a confirmed supporter in the seed


def staff_search(page, site_url: str, query: str):
    page.goto(f"{site_url}{reverse('supporters_supporter:index')}?q={query}")
    return page.locator("main table tbody tr")


def test_supporter_gets_a_copy_then_erases_and_staff_cannot_find_them(
    page, browser, site_url, start_worker, mailbox
):
    seed_home(log=lambda *_: None)
    seed_supporters(log=lambda *_: None)
    start_worker()
    staff = browser.new_page()
    admin_login(staff, site_url, staff_user("carla", groups=["Supporter care"]))
    expect(staff_search(staff, site_url, "amira")).to_have_count(1)

    # No account, no password: a link to the preference centre by email.
    page.goto(f"{site_url}/email/preferences/")
    page.locator("main").get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    link_email = mailbox.wait_for(to=EMAIL, subject="preferences link")
    preferences = link_in(link_email, "/email/preferences/")

    # A copy of my data: the link in the next email downloads it.
    page.goto(site_url + preferences)
    page.get_by_role("button", name="Email me a copy of my data").click()
    copy_email = mailbox.wait_for(to=EMAIL, subject="Your copy of the data")
    page.goto(site_url + link_in(copy_email, "/my-data/download/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert EMAIL in json.dumps(exported)
    access = DataRequest.objects.get(kind="access")
    assert access.status == "done"

    # Erasure: asked for in the preference centre, confirmed from the email.
    page.goto(site_url + preferences)
    page.get_by_role("button", name="Delete my data").click()
    erase_email = mailbox.wait_for(to=EMAIL, subject="delete your data")
    page.goto(site_url + link_in(erase_email, "/my-data/delete/"))
    assert Supporter.objects.filter(email=EMAIL).exists()  # GET only asks
    page.get_by_role("button", name="Yes, delete my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data is deleted")
    assert not Supporter.objects.filter(email=EMAIL).exists()
    save_screenshot(page, "journey-6-data-erased")

    # Staff search by name or address finds nobody; the links are dead.
    expect(staff_search(staff, site_url, "amira")).to_have_count(0)
    expect(staff_search(staff, site_url, "hassan")).to_have_count(0)
    expect(staff_search(staff, site_url, EMAIL)).to_have_count(0)
    expect(staff.get_by_text("No supporters match your query")).to_be_visible()
    assert DataRequest.objects.get(kind="erasure").supporter is None
    page.goto(site_url + preferences)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link cannot be used"
    )
    save_screenshot(staff, "journey-6-staff-cannot-find-them")
