"""What the site looks like: every public page type and every step of the
donation and pledge journeys, at 360, 768 and 1280 px, against reviewed
baselines (tests/browser/screenshots.py explains the comparison).

The seeded demo with the offline Stripe double standing in for Stripe, as a
newcomer's ``make run`` shows it. ``make screenshots-update`` refreshes the
baselines after a deliberate change; the full-size shots are in
artifacts/screenshots/.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.screenshots import Screenshots, baseline_names, updating
from tests.browser.test_audit import demo_appeal, emailed_link, wagtail_page_paths

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fill_donation(page, *, monthly: bool) -> None:
    form = page.locator("form.donate-form")
    form.locator("input[name=amount][value='2500']").check()
    if monthly:
        form.get_by_label("Give monthly").check()
    form.get_by_label("First name").fill("Ada")
    form.get_by_label("Last name").fill("Lovelace")
    form.get_by_label("Email (for your receipt)").fill("ada@example.org")


def pay_on_checkout(page, site_url: str, shots: Screenshots, name: str) -> None:
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    shots.take(page, name)
    page.get_by_role("button", name="Pay (card accepted)").click()
    page.wait_for_url(f"{site_url}/donate/thank-you/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")


@pytest.mark.timeout(900)  # about 75 full-page shots
def test_every_page_type_and_journey_step_matches_its_reviewed_screenshot(
    demo_site, stripe_live, mailoutbox, page, site_url
):
    shots = Screenshots()
    appeal = demo_appeal()

    # Every public page type, as a reader first meets it.
    pages = [(f"page-{name}", path) for name, path in wagtail_page_paths()]
    pages += [
        ("page-sign-up", "/signup/"),
        ("page-search", "/search/?q=pupil+data"),
        ("page-not-found", "/no-such-page/"),
    ]
    for name, path in pages:
        page.goto(site_url + path)
        shots.take(page, name)

    # Giving once: the form, the checkout, the thank-you page.
    page.goto(f"{site_url}/donate/{appeal.slug}/")
    shots.take(page, "give-once-1-form")
    fill_donation(page, monthly=False)
    page.get_by_role("button", name="Continue to secure payment").click()
    pay_on_checkout(page, site_url, shots, "give-once-2-checkout")
    shots.take(page, "give-once-3-thank-you")

    # Giving monthly, then managing the gift from the receipt's link.
    page.goto(f"{site_url}/donate/{appeal.slug}/")
    fill_donation(page, monthly=True)
    shots.take(page, "give-monthly-1-form")
    page.get_by_role("button", name="Continue to secure payment").click()
    pay_on_checkout(page, site_url, shots, "give-monthly-2-checkout")
    shots.take(page, "give-monthly-3-thank-you")
    page.goto(site_url + emailed_link(mailoutbox, "/donate/manage/"))
    expect(page.get_by_role("heading", name="Manage your monthly gift")).to_be_visible()
    shots.take(page, "give-monthly-4-manage")

    # Pledging: choose when, confirm from the email, then pay early.
    page.goto(f"{site_url}/pledge/{appeal.slug}/")
    shots.take(page, "pledge-1-form")
    form = page.locator("form.pledge-form")
    form.get_by_label("How much would you like to pledge?").fill("25")
    form.get_by_label("On a date").check()
    due = datetime.date.today() + datetime.timedelta(days=14)
    form.locator("input[name=due_date]").fill(due.isoformat())
    form.get_by_label("First name").fill("Walter")
    form.get_by_role("textbox", name="Email").fill("walter@example.org")
    form.locator("input[name=consent]").check()
    shots.take(page, "pledge-2-form-filled")
    form.get_by_role("button", name="Make my pledge").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("check your email")
    shots.take(page, "pledge-3-check-your-email")
    page.goto(site_url + emailed_link(mailoutbox, "/pledge/confirm/"))
    shots.take(page, "pledge-4-confirm")
    page.get_by_role("button", name="Yes, confirm my pledge").click()
    shots.take(page, "pledge-5-confirmed")
    page.goto(site_url + emailed_link(mailoutbox, "/pledge/manage/"))
    shots.take(page, "pledge-6-manage")
    page.get_by_role("link", name=re.compile(r"Give £25 now")).click()
    pay_on_checkout(page, site_url, shots, "pledge-7-checkout")
    shots.take(page, "pledge-8-thank-you")

    assert shots.problems == {}
    if not updating():
        # A page or step dropped from this test leaves its baseline behind.
        assert baseline_names() == set(shots.taken)
