"""A campaign page shows its appeal: totals, both ways to give, and a pledge
form offering its own timeline; staff call in pledges when a milestone is
reached."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaign import factories
from campaign.selectors import milestones_open_for_appeal
from fundraising.pledges.milestones import milestones_for
from tests.pledges.factories import appeal_make, pledge_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal():
    return appeal_make(crowdjustice_url="https://www.crowdjustice.com/case/x/")


@pytest.fixture
def campaign(appeal):
    return factories.campaign_page_create(
        appeal=appeal,
        milestones=[
            {"title": "Letter before action sent", "state": "done"},
            {"title": "Permission decision", "state": "next"},
            {"title": "Hearing", "state": "upcoming"},
        ],
    )


def test_campaign_page_shows_the_appeal_and_a_pledge_form_with_its_milestones(
    client, campaign, appeal
):
    soup = BeautifulSoup(client.get(campaign.url).content, "html.parser")
    assert soup.find("progress") or soup.find("meter")
    assert soup.find("a", href=appeal.crowdjustice_url)
    form = soup.find("form", action=reverse("pledges:pledge", args=[appeal.slug]))
    assert form is not None
    offered = [option.get_text(strip=True) for option in form.select("option")]
    assert "Permission decision" in offered and "Hearing" in offered
    assert "Letter before action sent" not in offered  # already done


def test_standalone_pledge_page_offers_the_campaigns_open_milestones(
    client, campaign, appeal
):
    titles = [title for _, title in milestones_for(appeal)]
    assert titles == ["Permission decision", "Hearing"]
    page = client.get(reverse("pledges:pledge", args=[appeal.slug]))
    assert b"Permission decision" in page.content


def test_milestones_of_other_appeals_are_not_offered(campaign):
    other = appeal_make()
    assert milestones_open_for_appeal(other) == []


def test_campaign_without_an_appeal_has_no_pledge_form(client):
    page = factories.campaign_page_create(appeal=None)
    assert b'class="pledge-form"' not in client.get(page.url).content


def test_staff_see_pledges_waiting_per_milestone_and_can_call_them_in(
    client, campaign, appeal
):
    milestone = campaign.milestones.get(title="Permission decision")
    pledge_make(
        appeal=appeal,
        when="milestone",
        milestone_key=milestone.key,
        milestone_title=milestone.title,
        amount_pence=2500,
    )
    pledge_make(
        appeal=appeal,
        when="milestone",
        milestone_key=milestone.key,
        milestone_title=milestone.title,
        amount_pence=1000,
    )
    admin = get_user_model().objects.create_superuser("boss", "b@example.org", "x")
    client.force_login(admin)
    listing = client.get(reverse("campaign_milestone_call_ins"))
    assert listing.status_code == 200
    row = (
        BeautifulSoup(listing.content, "html.parser")
        .find("td", string=lambda text: text and text.startswith("Permission decision"))
        .parent
    )
    assert "2 (£35" in row.get_text()
    link = row.find("a", string="Mark reached…")["href"]
    confirm = client.get(link)
    assert b"2</strong> pledge(s)" in confirm.content
    done = client.post(
        link.split("?")[0],
        {
            "appeal": appeal.pk,
            "title": milestone.title,
            "next": reverse("campaign_milestone_call_ins"),
        },
    )
    assert done.status_code == 302
    listing = client.get(reverse("campaign_milestone_call_ins"))
    assert b"Called in" in listing.content


def test_milestone_page_is_closed_to_editors(client):
    from django.contrib.auth.models import Group, Permission

    editor = get_user_model().objects.create_user("ed", "ed@example.org", "x")
    group, _ = Group.objects.get_or_create(name="Editors test")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)
    response = client.get(reverse("campaign_milestone_call_ins"))
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_the_appeals_donate_page_offers_the_pledge_form_too(client, campaign, appeal):
    soup = BeautifulSoup(
        client.get(reverse("fundraising:donate", args=[appeal.slug])).content,
        "html.parser",
    )
    form = soup.find("form", action=reverse("pledges:pledge", args=[appeal.slug]))
    assert form is not None
    assert "Permission decision" in form.get_text()


def test_every_public_page_says_test_mode_while_the_stripe_double_stands_in(
    client, campaign, stripe_double
):
    for url in ["/", campaign.url, "/signup/", "/donate/"]:
        assert b"Test mode:" in client.get(url).content, url


def test_no_test_mode_banner_without_the_double(client, campaign):
    assert b"Test mode:" not in client.get(campaign.url).content


def test_campaign_page_queries_do_not_grow_with_donations(client, campaign, appeal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fundraising.models import Donation
    from supporters.services import supporter_upsert

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(campaign.url).status_code == 200
        return len(captured)

    client.get(campaign.url)  # warm the site and settings caches
    before = queries()
    donor = supporter_upsert(email="many@example.org", source="test")
    Donation.objects.bulk_create(
        [
            Donation(
                appeal=appeal,
                supporter=donor,
                amount_pence=1000,
                status="succeeded",
                counted_pence=1000,
            )
            for _ in range(10_000)
        ],
        batch_size=2000,
    )
    assert queries() == before
