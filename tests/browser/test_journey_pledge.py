"""Journey 3: a supporter pledges £25 for a date; time moves on; the reminder
arrives; "give now" goes through the Stripe double; the progress bar moves the
£25 from pledged to raised.

Time moves by calling the reminder sweep (what beat runs every minute) with
``now`` at 09:05 London on the due date; the reminder email it queues is sent
by a real Celery worker, which also applies the Stripe webhook.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from fundraising.models import Appeal
from fundraising.pledges.models import Pledge
from fundraising.pledges.reminders import reminders_sweep
from home.seed import seed_home
from tests.browser.conftest import link_in, save_screenshot
from tests.conftest import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.worker,
]

EMAIL = "walter.tull@example.org"
LONDON = ZoneInfo("Europe/London")


def progress_figures(page) -> dict[str, str]:
    """The progress bar's figures, e.g. {"Raised": "£25", ...}."""
    figures = page.locator(".appeal-progress__figures > div")
    return {
        "Raised": page.locator(".appeal-progress__amount").inner_text().strip(),
        **{
            row.locator("dt").inner_text().strip(): row.locator("dd")
            .inner_text()
            .strip()
            for row in figures.all()
        },
    }


def test_pledge_is_reminded_on_its_date_and_paid_from_the_reminder(
    page, site_url, stripe_live, start_worker, mailbox, requested_hosts
):
    seed_home(log=lambda *_: None)
    appeal = Appeal.objects.create(
        name="Judicial review fund",
        slug="judicial-review",
        purpose="Legal costs of challenging the census changes.",
        target_pence=2_500_000,
        deadline=datetime.date.today() + datetime.timedelta(days=90),
    )
    start_worker(extra_env=stripe_live.worker_env)
    due = datetime.date.today() + datetime.timedelta(days=14)

    page.goto(f"{site_url}/pledge/{appeal.slug}/")
    form = page.locator("form.pledge-form")
    form.get_by_label("How much would you like to pledge?").fill("25")
    form.get_by_label("On a date").check()
    form.locator("input[name=due_date]").fill(due.isoformat())
    form.get_by_label("First name").fill("Walter")
    form.get_by_role("textbox", name="Email").fill(EMAIL)
    form.locator("input[name=consent]").check()
    form.get_by_role("button", name="Make my pledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nearly done: please check your email"
    )

    # Double opt-in: the pledge counts once confirmed from the email.
    confirm = mailbox.wait_for(to=EMAIL, subject="confirm your pledge")
    page.goto(site_url + link_in(confirm, "/pledge/confirm/"))
    page.get_by_role("button", name="Yes, confirm my pledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your pledge is confirmed"
    )
    page.goto(f"{site_url}/donate/{appeal.slug}/")
    figures = progress_figures(page)
    assert figures["Raised"] == "£0"
    assert figures["Pledged, still to come"] == "£25"

    # Time moves on: nothing is due the day before; on the day, one reminder.
    on_the_day = datetime.datetime.combine(due, datetime.time(9, 5), tzinfo=LONDON)
    assert reminders_sweep(now=on_the_day - datetime.timedelta(days=1)) == 0
    assert reminders_sweep(now=on_the_day) == 1
    assert reminders_sweep(now=on_the_day) == 0  # never twice
    reminder = mailbox.wait_for(to=EMAIL, subject="is due today")

    # "Give now" opens the double's checkout for exactly £25.
    page.goto(site_url + link_in(reminder, "/pledge/give/"))
    expect(page.get_by_text("25.00 GBP")).to_be_visible()
    assert page.url.startswith(stripe_live.url)
    page.get_by_role("button", name="Pay (card accepted)").click()
    page.wait_for_url(f"{site_url}/donate/thank-you/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    checkout_host = urlsplit(stripe_live.url).netloc
    assert set(requested_hosts) == {urlsplit(site_url).netloc, checkout_host}

    pledge = Pledge.objects.get(supporter__email=EMAIL)
    wait_for(
        lambda: Pledge.objects.get(pk=pledge.pk).status == Pledge.Status.FULFILLED,
        what="the webhook applied by the worker fulfilling the pledge",
    )
    page.goto(f"{site_url}/donate/{appeal.slug}/")
    figures = progress_figures(page)
    assert figures["Raised"] == "£25"
    assert "Pledged, still to come" not in figures
    expect(page.locator(".appeal-progress__title")).to_contain_text("£25 raised")
    save_screenshot(page, "journey-3-pledge-paid")
