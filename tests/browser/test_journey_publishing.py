"""Journey 1: an editor writes an update with an image and a briefing and
submits it for moderation; an approver publishes it; it appears on the home
page, the updates index and its topic's listing and feed.

Both people sign in through the admin's own login form (two-factor is off in
the test settings) and work in Wagtail's editor as they would: the image and
the briefing PDF are uploaded through the choosers.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from campaign.demo_files import banner_png, briefing_pdf
from campaign.models import Topic, UpdateIndexPage, UpdatePage
from home.editorial import APPROVERS, EDITORS
from tests.browser.conftest import admin_login, save_screenshot, staff_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Court grants permission for judicial review"
TOPIC = "Judicial review"


@pytest.fixture
def files(tmp_path):
    image = tmp_path / "court.png"
    image.write_bytes(banner_png(text="Royal Courts of Justice", size=(800, 450)))
    pdf = tmp_path / "permission-briefing.pdf"
    pdf.write_bytes(briefing_pdf(title="Briefing: the permission decision"))
    return image, pdf


def choose_by_upload(page, chooser_button, file_path, title: str) -> None:
    """Open a Wagtail chooser, upload a file in its Upload tab, which also
    chooses it."""
    chooser_button.click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name=re.compile("Upload")).click()
    modal.locator("input[type=file]").set_input_files(str(file_path))
    modal.locator("input[name$=title]").fill(title)
    modal.locator("form button[type=submit]").last.click()
    expect(modal).to_be_hidden()


def new_reader(browser):
    """An anonymous reader with a fresh browser cache."""
    return browser.new_context().new_page()


def test_update_written_by_editor_is_published_by_approver_and_listed(
    demo_site, files, page, browser, site_url
):
    image, pdf = files
    index = UpdateIndexPage.objects.get()
    page.set_default_timeout(15_000)

    # The editor writes the update.
    admin_login(page, site_url, staff_user("edith", groups=[EDITORS]))
    page.goto(f"{site_url}/admin/pages/add/campaign/updatepage/{index.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_standfirst").fill(
        "The High Court will hear our challenge to the census changes."
    )
    topics = page.locator("#id_topics").locator("xpath=following-sibling::ul//input")
    topics.fill(TOPIC)
    topics.press("Enter")
    hero = page.locator("[data-contentpath=hero_image]")
    choose_by_upload(
        page, hero.get_by_role("button", name="Choose an image"), image, "Court"
    )
    page.locator("#id_hero_image_alt").fill("The Royal Courts of Justice in London")
    body = page.locator("[data-contentpath=body]")
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name=re.compile("Document")).click()
    choose_by_upload(
        page,
        body.get_by_role("button", name="Choose a document"),
        pdf,
        "Briefing: the permission decision",
    )
    save_screenshot(page, "journey-1-editor-form")
    page.locator(
        "footer .dropdown-toggle, [data-w-dropdown-target=toggle]"
    ).last.click()
    page.get_by_role("button", name=re.compile("Submit to")).click()
    expect(page.get_by_text(re.compile("submitted", re.I)).first).to_be_visible()
    update = UpdatePage.objects.get(title=TITLE)
    assert not update.live
    assert update.current_workflow_state.status == "in_progress"

    # Until it is published, readers cannot see it.
    assert [t.name for t in update.topic_list()] == [TOPIC]
    revision = update.latest_revision.as_object()
    assert revision.hero_image.title == "Court"
    assert [block.block_type for block in revision.body] == ["document"]
    update_url = f"{site_url}{index.url}{update.slug}/"
    assert new_reader(browser).goto(update_url).status == 404

    # The approver publishes it from the editor.
    approver = browser.new_page()
    approver.set_default_timeout(15_000)
    admin_login(approver, site_url, staff_user("arthur", groups=[APPROVERS]))
    approver.goto(f"{site_url}/admin/pages/{update.pk}/edit/")
    approver.locator(
        "footer .dropdown-toggle, [data-w-dropdown-target=toggle]"
    ).last.click()
    approver.get_by_role("button", name="Approve and publish").click()
    row = approver.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("live", ignore_case=True)
    update.refresh_from_db()
    assert update.live

    # Readers find it everywhere it belongs.
    topic = Topic.objects.get(name=TOPIC)
    reader = new_reader(browser)
    for path in ["/", index.url, f"{index.url}topic/{topic.slug}/"]:
        reader.goto(site_url + path)
        expect(reader.locator("main").get_by_role("link", name=TITLE)).to_be_visible()
    feed = reader.goto(f"{site_url}{index.url}topic/{topic.slug}/feed/")
    assert feed.status == 200 and TITLE in feed.text()
    reader.goto(update_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(
        reader.get_by_role("img", name="The Royal Courts of Justice in London")
    ).to_be_attached()
    expect(
        reader.get_by_role("link", name=re.compile("Briefing: the permission decision"))
    ).to_be_visible()
    save_screenshot(reader, "journey-1-update-published")
