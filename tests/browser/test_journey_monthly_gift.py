"""Journey 4: a donor gives £10 a month; the receipt arrives; the first
instalment raises the total; a refund from the Stripe double lowers it again.

The browser goes from our donate form to the double's hosted checkout page
(the one host besides ours it may visit) and back. The double sends its signed
webhooks over HTTP to the live server, which stores them and leaves the work
to a real Celery worker through Redis: totals move only when that worker has
applied the events.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from fundraising.models import Appeal, Donation
from home.seed import seed_home
from tests.browser.conftest import save_screenshot
from tests.conftest import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.worker,
]

EMAIL = "mary.seacole@example.org"


def appeal_create() -> Appeal:
    return Appeal.objects.create(
        name="Judicial review fund",
        slug="judicial-review",
        purpose="Legal costs of challenging the census changes.",
        target_pence=2_500_000,
        deadline=datetime.date.today() + datetime.timedelta(days=60),
        suggested_amounts="10, 25, 50",
    )


def raised(appeal) -> int:
    return Appeal.objects.values_list("raised_pence", flat=True).get(pk=appeal.pk)


def progress_heading(page):
    return page.locator(".appeal-progress__title")


def test_monthly_gift_is_receipted_counted_and_uncounted_when_refunded(
    page, site_url, stripe_live, start_worker, mailbox, requested_hosts
):
    seed_home(log=lambda *_: None)
    appeal = appeal_create()
    start_worker(extra_env=stripe_live.worker_env)
    donate_url = f"{site_url}/donate/{appeal.slug}/"

    page.goto(donate_url)
    expect(progress_heading(page)).to_contain_text("£0 raised")
    form = page.locator("form.donate-form")
    form.get_by_label("£10", exact=True).check()
    form.get_by_label("Give monthly").check()
    form.get_by_label("First name").fill("Mary")
    form.get_by_label("Last name").fill("Seacole")
    form.get_by_label("Email (for your receipt)").fill(EMAIL)
    form.get_by_role("button", name="Continue to secure payment").click()

    # The double's hosted checkout page (Stripe Checkout in production).
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_text("10.00 GBP a month")).to_be_visible()
    assert page.url.startswith(stripe_live.url)
    page.get_by_role("button", name="Pay (card accepted)").click()
    page.wait_for_url(f"{site_url}/donate/thank-you/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    checkout_host = urlsplit(stripe_live.url).netloc
    assert set(requested_hosts) == {urlsplit(site_url).netloc, checkout_host}

    receipt = mailbox.wait_for(to=EMAIL, subject="monthly donation")
    assert "£10" in str(receipt["Subject"])
    wait_for(lambda: raised(appeal) == 1000, what="the first instalment counted")
    page.goto(donate_url)
    expect(progress_heading(page)).to_contain_text("£10 raised")
    gift = Donation.objects.get(appeal=appeal)
    assert gift.frequency == "monthly" and gift.supporter.email == EMAIL

    # Stripe (the double) refunds the first instalment: the total falls back.
    assert gift.charge_id, "the paid invoice recorded no charge"
    stripe_live.refund(gift.charge_id)
    wait_for(lambda: raised(appeal) == 0, what="the refund taken off the total")
    page.goto(donate_url)
    expect(progress_heading(page)).to_contain_text("£0 raised")
    assert all(status == 200 for _event, status in stripe_live.deliveries)
    save_screenshot(page, "journey-4-monthly-gift-refunded")
