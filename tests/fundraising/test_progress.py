"""The one true total on pages: the progress bar, external contributions with
the CrowdJustice "as of" date, and O(1) queries however many donations."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fundraising.models import Appeal, Donation, ExternalContribution

pytestmark = pytest.mark.django_db


def render_progress(appeal) -> str:
    template = Template("{% load fundraising_tags %}{% appeal_progress appeal %}")
    return template.render(Context({"appeal": appeal}))


def test_crowdjustice_counts_its_latest_figure_and_other_sources_add_up(appeal):
    cj = ExternalContribution.Source.CROWDJUSTICE
    ExternalContribution.objects.create(
        appeal=appeal,
        source=cj,
        amount_pence=500_000,
        supporters=120,
        received_on=datetime.date(2026, 10, 1),
    )
    ExternalContribution.objects.create(
        appeal=appeal,
        source=cj,
        amount_pence=842_000,
        supporters=212,
        received_on=datetime.date(2026, 11, 20),
    )
    ExternalContribution.objects.create(
        appeal=appeal,
        source="cheque",
        amount_pence=25_000,
        supporters=1,
        received_on=datetime.date(2026, 11, 2),
    )
    appeal.refresh_from_db()
    assert appeal.crowdjustice_pence == 842_000
    assert appeal.crowdjustice_as_of == datetime.date(2026, 11, 20)
    assert appeal.external_pence == 867_000
    assert appeal.raised_pence == 867_000
    assert appeal.supporters_count == 213


def test_editing_or_deleting_an_external_contribution_moves_the_total(appeal):
    entry = ExternalContribution.objects.create(
        appeal=appeal, source="event", amount_pence=10_000
    )
    entry.amount_pence = 12_000
    entry.save()
    appeal.refresh_from_db()
    assert appeal.raised_pence == 12_000
    entry.delete()
    appeal.refresh_from_db()
    assert appeal.raised_pence == 0


def test_an_external_contribution_moves_only_its_own_appeals_total(appeal):
    other = Appeal.objects.create(
        name="Second fund", slug="second-fund", purpose="x", target_pence=100_000
    )
    ExternalContribution.objects.create(
        appeal=other, source="cheque", amount_pence=7_000, supporters=3
    )
    ExternalContribution.objects.create(
        appeal=appeal, source="event", amount_pence=10_000, supporters=2
    )
    appeal.refresh_from_db()
    other.refresh_from_db()
    assert (appeal.raised_pence, appeal.external_pence) == (10_000, 10_000)
    assert (other.raised_pence, other.external_pence) == (7_000, 7_000)
    assert other.supporters_count == 3


def test_progress_bar_shows_raised_target_supporters_days_left_and_both_routes(
    appeal, stripe_double
):
    ExternalContribution.objects.create(
        appeal=appeal,
        source="crowdjustice",
        amount_pence=842_000,
        supporters=212,
        received_on=datetime.date(2026, 11, 20),
    )
    Appeal.objects.filter(pk=appeal.pk).update(pledged_pence=30_000)
    appeal.refresh_from_db()
    html = render_progress(appeal)
    assert (
        '<progress class="progress appeal-progress__bar" max="2500000" value="842000"'
        in html
    )
    assert "£8,420 raised" in html
    assert "raised of £25,000 target" in html
    assert "<dt>Stretch target</dt><dd>£40,000</dd>" in html
    assert "as of 20 November 2026" in html
    assert "Pledged, still to come" in html and "£300" in html
    assert "Donate now" in html and "Give on our CrowdJustice page" in html
    assert 'style="' not in html
    # One sentence for screen readers says it all.
    assert (
        "£8,420 raised of a £25,000 target (33%), from 212 supporters, 30 days left."
        " A further £300 has been pledged."
    ) in html


def test_past_the_target_the_bar_tracks_the_stretch_target(appeal):
    Appeal.objects.filter(pk=appeal.pk).update(raised_pence=3_000_000)
    appeal.refresh_from_db()
    html = render_progress(appeal)
    assert 'max="4000000" value="3000000"' in html
    assert "raised of £40,000 stretch target" in html
    assert "<dt>First target</dt><dd>£25,000 reached</dd>" in html


def test_closed_appeal_hides_the_donate_button(appeal):
    appeal.is_open = False
    appeal.save()
    assert "Donate now" not in render_progress(appeal)


def make_donations(appeal, donor, count: int) -> None:
    now = timezone.now()
    Donation.objects.bulk_create(
        [
            Donation(
                appeal=appeal,
                supporter=donor,
                amount_pence=1000,
                status="succeeded",
                paid_at=now,
                counted_pence=1000,
            )
            for _ in range(count)
        ],
        batch_size=2000,
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/donate/judicial-review/", "/donate/"])
def test_pages_make_the_same_queries_with_0_and_10000_donations(
    client, stripe_double, appeal, donor, url
):
    client.get(url)  # warm caches (site, settings)
    before = count_queries(client, url)
    make_donations(appeal, donor, 10_000)
    after = count_queries(client, url)
    assert before == after


def test_home_page_shows_the_newest_open_appeal(client, appeal):
    html = client.get("/").content.decode()
    assert "Fund the case" in html
    assert "Judicial review fund" in html
