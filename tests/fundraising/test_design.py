"""What donors and staff see of the design work: what each suggested amount
pays for, and the dashboard's income chart."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import timezone

from fundraising.models import ExternalContribution
from fundraising.selectors import appeal_income_series
from tests.fundraising.test_admin import paid_gift, staff  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_each_suggested_amount_shows_the_line_editors_wrote_for_it(
    client, appeal, stripe_double
):
    appeal.amount_impacts = "25 = an hour of legal research\n£100 = a day in court"
    appeal.full_clean()
    appeal.save()
    page = BeautifulSoup(client.get(f"/donate/{appeal.slug}/").content, "html.parser")
    cards = {
        card.input["value"]: " ".join(card.label.stripped_strings)
        for card in page.select(".donate-form__amounts .choice-card")
    }
    assert cards == {
        "1000": "£10",
        "2500": "£25 an hour of legal research",
        "5000": "£50",
        "10000": "£100 a day in court",
        "other": "Other amount",
    }
    switch = page.select(".donate-form__frequency .choice-card label")
    assert [label.get_text() for label in switch] == ["Give once", "Give monthly"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25 an hour of research", "Line 1: write the amount in pounds"),
        ("10 = fine\nlots = of money", "Line 2: write the amount in pounds"),
        ("25 =   ", "Line 1: write the amount in pounds"),
        ("30 = not offered", "£30 is not one of them"),
    ],
)
def test_amount_lines_must_name_a_suggested_amount_in_pounds(appeal, text, message):
    appeal.amount_impacts = text
    with pytest.raises(ValidationError) as error:
        appeal.full_clean()
    assert message in str(error.value.message_dict["amount_impacts"])


def test_income_series_keeps_running_totals_by_source_week_by_week(appeal, donor):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    paid_gift(appeal, donor, 5000, days_ago=200)  # before the chart begins
    paid_gift(appeal, donor, 2500, days_ago=(today - monday).days + 7)  # last week
    paid_gift(appeal, donor, 1000, days_ago=0)
    for weeks_ago, pence in [(3, 100_000), (1, 250_000)]:  # running totals
        ExternalContribution.objects.create(
            appeal=appeal,
            source=ExternalContribution.Source.CROWDJUSTICE,
            amount_pence=pence,
            received_on=monday - datetime.timedelta(weeks=weeks_ago),
        )
    ExternalContribution.objects.create(
        appeal=appeal,
        source=ExternalContribution.Source.CHEQUE,
        amount_pence=20_000,
        received_on=monday - datetime.timedelta(weeks=2),
    )
    series = appeal_income_series(appeal=appeal, weeks=4, today=today)
    assert [row["week"] for row in series] == [
        monday - datetime.timedelta(weeks=n) for n in (3, 2, 1, 0)
    ]
    assert [(row["cards"], row["crowdjustice"], row["other"]) for row in series] == [
        (5000, 100_000, 0),
        (5000, 100_000, 20_000),
        (7500, 250_000, 20_000),
        (8500, 250_000, 20_000),
    ]


def test_dashboard_chart_shows_dated_axes_target_pledges_and_a_table(
    client,
    staff,  # noqa: F811 - the fixture
    appeal,
    donor,
):
    paid_gift(appeal, donor, 2500)
    appeal.refresh_from_db()
    type(appeal).objects.filter(pk=appeal.pk).update(pledged_pence=30_000)
    page = BeautifulSoup(client.get("/admin/").content, "html.parser")
    chart = page.select_one("svg.income-chart")
    labels = [text.get_text() for text in chart.select("text")]
    assert "Target £25,000" in labels and "Stretch £40,000" in labels
    assert "+£300 pledged" in labels and "Week starting" in labels
    monday = timezone.localdate() - datetime.timedelta(
        days=timezone.localdate().weekday()
    )
    assert f"{monday:%-d %b}" in labels  # the latest week is labelled
    assert "£0" in labels  # the money axis starts at zero
    assert chart.select("polygon")  # the card income area
    rows = page.select("details table tbody tr")
    assert len(rows) == 12
    assert [cell.get_text() for cell in rows[-1].select("th, td")] == [
        f"{monday:%-d %b %Y}",
        "£25",
        "£0",
        "£0",
        "£25",
    ]
