"""Journey 2: a supporter signs up from the footer, confirms from the email,
opens the preference centre, and later unsubscribes with one click.

Emails are sent by a real Celery worker through Redis and read from the files
it writes; every link is followed in the browser.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from home.seed import seed_home
from supporters.models import ConsentRecord, Subscription, Supporter
from supporters.seed import seed_supporters
from tests.browser.conftest import link_in, save_screenshot
from tests.conftest import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.worker,
]

EMAIL = "rosa.parks@example.org"


def statuses(email: str) -> dict[str, str]:
    return dict(
        Subscription.objects.filter(supporter__email=email).values_list(
            "topic__name", "status"
        )
    )


def test_supporter_signs_up_confirms_manages_preferences_and_unsubscribes(
    page, site_url, start_worker, mailbox
):
    seed_home(log=lambda *_: None)
    seed_supporters(log=lambda *_: None)  # the public topics
    start_worker()

    # Sign up from the footer of the home page.
    page.goto(site_url + "/")
    footer = page.locator("footer .footer-signup")
    footer.get_by_label("Email address").fill(EMAIL)
    footer.get_by_label("First name").fill("Rosa")
    footer.get_by_label("Campaign updates", exact=True).check()
    footer.get_by_label("Yes, please email me").check()
    footer.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert statuses(EMAIL) == {"Campaign updates": "unconfirmed"}

    # Confirm from the email: the link shows a button, the button confirms.
    confirmation = mailbox.wait_for(to=EMAIL, subject="confirm your email")
    page.goto(site_url + link_in(confirmation, "/signup/confirm/"))
    assert statuses(EMAIL) == {"Campaign updates": "unconfirmed"}  # GET did nothing
    page.get_by_role("button", name="Yes, confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: you're signed up"
    )
    assert statuses(EMAIL) == {"Campaign updates": "confirmed"}

    # The welcome email (bulk: it carries RFC 8058 one-click headers) links to
    # the preference centre, which shows and changes what Rosa gets.
    welcome = wait_for(
        lambda: next((m for m in mailbox.to(EMAIL) if m["List-Unsubscribe"]), None),
        timeout=60,
        what="the welcome email",
    )
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.goto(site_url + link_in(welcome, "/email/preferences/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email preferences")
    expect(page.get_by_label("Campaign updates", exact=True)).to_be_checked()
    page.get_by_label("Judicial review", exact=True).check()
    page.get_by_role("button", name="Save my preferences").click()
    expect(page.get_by_label("Judicial review", exact=True)).to_be_checked()
    confirmed = {name for name, s in statuses(EMAIL).items() if s == "confirmed"}
    assert confirmed == {"Campaign updates", "Judicial review"}

    # Later: the unsubscribe link in that email, then one button.
    page.goto(site_url + link_in(welcome, "/email/unsubscribe/"))
    assert statuses(EMAIL)["Campaign updates"] == "confirmed"  # GET changed nothing
    page.get_by_role("button", name="Unsubscribe me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're unsubscribed")
    assert set(statuses(EMAIL).values()) == {"unsubscribed"}
    supporter = Supporter.objects.get(email=EMAIL)
    latest = ConsentRecord.objects.filter(supporter=supporter).latest("pk")
    assert latest.action == ConsentRecord.Action.WITHDRAWN

    # The preference centre agrees: nothing is ticked any more.
    page.goto(site_url + link_in(welcome, "/email/preferences/"))
    expect(page.get_by_label("Campaign updates", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Judicial review", exact=True)).not_to_be_checked()
    save_screenshot(page, "journey-2-signup-preferences-unsubscribe")
