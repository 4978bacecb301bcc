"""Bad input from the issue: clear messages, nothing half-written, never a 500."""

import datetime
import uuid

import pytest

from fundraising.pledges import links, schedule
from fundraising.pledges.forms import PledgeForm, milestones_sign
from fundraising.pledges.models import Pledge
from supporters.models import Supporter

from .conftest import form_data

pytestmark = pytest.mark.django_db
TODAY = schedule.london_today()


def post(client, appeal, **overrides):
    return client.post(f"/pledge/{appeal.slug}/", form_data(**overrides))


def assert_refused(response, text):
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_pledge_page_shows_the_form(client, appeal):
    response = client.get(f"/pledge/{appeal.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Make my pledge" in body
    assert 'name="website"' in body  # honeypot
    assert "remind me when it falls due" in body  # the consent wording


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (TODAY, "Choose a date from tomorrow onwards."),
        (TODAY - datetime.timedelta(days=3), "Choose a date from tomorrow onwards."),
        (
            schedule.add_months(TODAY, 6) + datetime.timedelta(days=1),
            "Choose a date within six months",
        ),
    ],
)
def test_dates_in_the_past_or_too_far_ahead_are_refused(client, appeal, due, message):
    assert_refused(post(client, appeal, due_date=due.isoformat()), message)


def test_the_last_day_of_the_window_and_tomorrow_are_accepted(client, appeal):
    for due in schedule.date_window(TODAY):
        response = post(client, appeal, due_date=due.isoformat())
        assert response.status_code == 302
    assert Pledge.objects.count() == 2


def test_a_date_that_does_not_exist_is_refused(client, appeal):
    assert_refused(post(client, appeal, due_date="2027-02-30"), "Enter a real date")


@pytest.mark.parametrize("day", ["0", "32", "-1", "x", ""])
def test_payday_outside_1_to_31_is_refused(client, appeal, day):
    assert_refused(
        post(client, appeal, when="payday", payday=day),
        "Choose a payday from the 1st to the 31st, or the last working day.",
    )


def test_payday_31_and_last_working_day_are_accepted(client, appeal):
    assert post(client, appeal, when="payday", payday="31").status_code == 302
    assert post(client, appeal, when="payday", payday="last").status_code == 302
    dates = set(Pledge.objects.values_list("due_date", flat=True))
    assert dates == {
        schedule.next_payday(TODAY, 31),
        schedule.next_payday(TODAY, "last"),
    }


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.50", "The smallest pledge we can take is £1."),
        ("20000", "For pledges over £10,000"),
        ("£25", "digits only"),
        ("1e3", "digits only"),
        ("-5", "digits only"),
    ],
)
def test_amounts_follow_the_donation_rules(client, appeal, amount, message):
    assert_refused(
        post(
            client,
            appeal,
            amount=amount,
            due_date=(TODAY + datetime.timedelta(days=5)).isoformat(),
        ),
        message,
    )


def test_a_milestone_from_another_campaign_is_refused(client, appeal):
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    signed = milestones_sign(appeal.pk, {ours: "Permission granted"})
    assert_refused(
        post(
            client,
            appeal,
            when="milestone",
            milestone=str(theirs),
            milestone_set=signed,
        ),
        "Choose one of this campaign&#x27;s milestones.",
    )


def test_a_milestone_list_signed_for_another_appeal_is_ignored(client, appeal):
    from .factories import appeal_make

    other = appeal_make()
    key = uuid.uuid4()
    signed_for_other = milestones_sign(other.pk, {key: "Hearing"})
    assert_refused(
        post(
            client,
            appeal,
            when="milestone",
            milestone=str(key),
            milestone_set=signed_for_other,
        ),
        "When would you like to give?",
    )


def test_a_forged_milestone_list_is_ignored(client, appeal):
    key = uuid.uuid4()
    forged = milestones_sign(appeal.pk, {key: "Hearing"})[:-3] + "xyz"
    response = post(
        client, appeal, when="milestone", milestone=str(key), milestone_set=forged
    )
    assert response.status_code == 400
    assert not Pledge.objects.exists()


def test_a_milestone_pledge_from_the_signed_list_is_accepted(client, appeal):
    key = uuid.uuid4()
    signed = milestones_sign(appeal.pk, {key: "Permission for judicial review"})
    response = post(
        client, appeal, when="milestone", milestone=str(key), milestone_set=signed
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.milestone_key == key
    assert pledge.milestone_title == "Permission for judicial review"
    assert pledge.due_date is None


def test_filled_honeypot_is_refused(client, appeal):
    assert_refused(
        post(
            client,
            appeal,
            website="http://spam.example",
            due_date=(TODAY + datetime.timedelta(days=5)).isoformat(),
        ),
        "Please leave the last field empty",
    )


def test_missing_consent_is_refused_with_a_reason(client, appeal):
    assert_refused(
        post(
            client,
            appeal,
            consent=None,
            due_date=(TODAY + datetime.timedelta(days=5)).isoformat(),
        ),
        "We need to email you to confirm the pledge",
    )
    assert not Supporter.objects.exists()


def test_a_closed_appeal_takes_no_pledges(client, appeal):
    appeal.is_open = False
    appeal.save()
    response = post(
        client, appeal, due_date=(TODAY + datetime.timedelta(days=5)).isoformat()
    )
    assert response.status_code == 200
    assert "no longer taking pledges" in response.content.decode()
    assert not Pledge.objects.exists()


def test_unknown_appeal_is_a_404(client):
    assert client.get("/pledge/no-such-appeal/").status_code == 404


@pytest.mark.parametrize("route", ["confirm", "manage", "give"])
def test_forged_tokens_get_a_clear_message(client, route):
    response = client.get(f"/pledge/{route}/not-a-real-token/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


def test_a_token_for_one_purpose_is_refused_for_another(client, appeal):
    from .factories import pledge_make

    pledge = pledge_make(appeal=appeal)
    manage_token = links.pledge_token(links.MANAGE, pledge.pk)
    response = client.get(f"/pledge/give/{manage_token}/")
    assert response.status_code == 400


def test_an_expired_confirm_link_says_so(client, appeal):
    import time_machine

    from .factories import pledge_make

    pledge = pledge_make(appeal=appeal, confirm=False)
    token = links.pledge_token(links.CONFIRM, pledge.pk)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=8)
    with time_machine.travel(later):
        response = client.post(f"/pledge/confirm/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == "unconfirmed"


def test_confirming_twice_counts_the_pledge_once(client, appeal):
    from .factories import pledge_make

    pledge = pledge_make(appeal=appeal, confirm=False)
    path = f"/pledge/confirm/{links.pledge_token(links.CONFIRM, pledge.pk)}/"
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200
    appeal.refresh_from_db()
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (2500, 1)


def test_form_offers_milestones_only_when_given(appeal):
    assert "milestone" not in dict(PledgeForm(appeal=appeal).fields["when"].choices)
    form = PledgeForm(appeal=appeal, milestones=[(uuid.uuid4(), "Hearing")])
    assert "milestone" in dict(form.fields["when"].choices)
