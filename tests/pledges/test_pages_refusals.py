"""The pledger's pages when something is off: a pledge that is gone, already
cancelled or paid, a form sent without a choice, card payments switched off,
an appeal that has closed; and the totals when pledges end unconfirmed or are
paid after being cancelled."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fundraising.models import Donation
from fundraising.pledges import links, schedule, services
from fundraising.pledges.models import Pledge, PledgeReminder

from .conftest import form_data
from .factories import appeal_make, pledge_make

pytestmark = pytest.mark.django_db


def path(purpose: str, pledge: Pledge) -> str:
    return links.pledge_url(purpose, pledge.pk).removeprefix("http://testserver")


def reschedule(client, pledge: Pledge, due: datetime.date):
    return client.post(
        path(links.MANAGE, pledge),
        {"action": "reschedule", "when": "date", "due_date": due.isoformat()},
    )


def totals(appeal) -> tuple[int, int, int]:
    appeal.refresh_from_db()
    return appeal.pledged_pence, appeal.pledges_outstanding, appeal.raised_pence


def test_check_your_email_page_names_the_appeal_and_links_back(client, appeal):
    page = client.get(f"/pledge/{appeal.slug}/check-your-email/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nearly done: please check your email" in html
    assert "confirm your pledge to Judicial review fund" in html
    assert f'href="/pledge/{appeal.slug}/"' in html


def test_links_to_a_pledge_that_no_longer_exists_say_so_with_404(client, appeal):
    pledge = pledge_make(appeal=appeal, confirm=False)
    confirm, manage, give = (
        path(links.CONFIRM, pledge),
        path(links.MANAGE, pledge),
        path(links.GIVE, pledge),
    )
    pledge.delete()
    for response in (
        client.get(confirm),
        client.post(confirm),
        client.get(manage),
        client.get(give),
    ):
        assert response.status_code == 404
        assert "We couldn&#x27;t find this pledge." in response.content.decode()
    assert not Donation.objects.exists()


def test_manage_link_of_an_anonymised_pledge_shows_nothing_of_it(client, appeal):
    pledge = pledge_make(appeal=appeal)
    Pledge.objects.filter(pk=pledge.pk).update(
        anonymised_at=datetime.datetime.now(datetime.UTC)
    )
    response = client.get(path(links.MANAGE, pledge))
    assert response.status_code == 404
    assert "We couldn&#x27;t find this pledge." in response.content.decode()
    assert "£25" not in response.content.decode()


def test_confirming_a_cancelled_pledge_is_refused_and_it_stays_uncounted(
    client, appeal
):
    pledge = pledge_make(appeal=appeal, confirm=False)
    services.pledge_cancel(pledge_id=pledge.pk)
    response = client.post(path(links.CONFIRM, pledge))
    assert response.status_code == 409
    assert "This pledge was cancelled, so it can" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == "cancelled"
    assert totals(appeal) == (0, 0, 0)


def test_manage_form_without_a_choice_or_with_a_bad_date_changes_nothing(
    client, appeal
):
    pledge = pledge_make(appeal=appeal)
    due = pledge.due_date
    manage = path(links.MANAGE, pledge)

    nothing = client.post(manage, {})
    assert nothing.status_code == 400
    assert "Please choose what you&#x27;d like to do." in nothing.content.decode()

    past = schedule.london_today() - datetime.timedelta(days=3)
    bad = reschedule(client, pledge, past)
    assert bad.status_code == 400
    assert 'class="errorlist' in bad.content.decode()
    pledge.refresh_from_db()
    assert (pledge.status, pledge.due_date) == ("confirmed", due)


def test_rescheduling_a_cancelled_pledge_is_refused_with_409(client, appeal):
    pledge = pledge_make(appeal=appeal)
    services.pledge_cancel(pledge_id=pledge.pk)
    new_date = schedule.london_today() + datetime.timedelta(days=20)
    response = reschedule(client, pledge, new_date)
    assert response.status_code == 409
    assert "This pledge was cancelled." in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.due_date != new_date


def test_an_unconfirmed_pledge_can_be_moved_but_gets_no_reminders_until_confirmed(
    client, appeal
):
    pledge = pledge_make(appeal=appeal, confirm=False)
    new_date = schedule.london_today() + datetime.timedelta(days=20)
    response = reschedule(client, pledge, new_date)
    assert response.status_code == 200
    assert "Done: your pledge is now due on" in response.content.decode()
    pledge.refresh_from_db()
    assert (pledge.status, pledge.due_date) == ("unconfirmed", new_date)
    assert not PledgeReminder.objects.filter(pledge=pledge).exists()


def test_give_now_without_card_payments_asks_to_try_later_and_opens_nothing(
    client, appeal, settings
):
    settings.STRIPE_SECRET_KEY = ""
    pledge = pledge_make(appeal=appeal)
    response = client.get(path(links.GIVE, pledge))
    assert response.status_code == 503
    assert "Card payments aren&#x27;t available right now." in response.content.decode()
    assert not Donation.objects.exists()
    pledge.refresh_from_db()
    assert pledge.status == "confirmed"


def test_a_closed_appeal_shows_the_page_but_takes_no_pledge(client, appeal):
    closed = appeal_make(name="Closed fund", is_open=False)
    response = client.post(f"/pledge/{closed.slug}/", form_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This appeal has closed and is no longer taking pledges." in html
    assert 'name="amount"' not in html
    assert not Pledge.objects.exists()
    with pytest.raises(ValidationError, match="This appeal has closed"):
        pledge_make(appeal=closed)
    assert not Pledge.objects.exists()


def test_a_pledge_confirmed_after_its_date_passed_falls_due_today(appeal):
    today = schedule.london_today()
    pledge = pledge_make(
        appeal=appeal,
        today=today - datetime.timedelta(days=5),
        due_date=today - datetime.timedelta(days=2),
        confirm=False,
    )
    pledge = services.pledge_confirm(pledge_id=pledge.pk)
    assert (pledge.status, pledge.due_date) == ("confirmed", today)
    assert totals(appeal) == (2500, 1, 0)


def test_cancelling_or_lapsing_an_unconfirmed_pledge_leaves_the_totals_alone(appeal):
    counted = pledge_make(appeal=appeal, amount_pence=4000)
    first = pledge_make(appeal=appeal, confirm=False)
    second = pledge_make(appeal=appeal, confirm=False)
    services.pledge_cancel(pledge_id=first.pk)
    services.pledge_expire(pledge_id=second.pk)
    assert totals(appeal) == (4000, 1, 0)
    # Expiring something already closed changes nothing either.
    services.pledge_expire(pledge_id=first.pk)
    assert Pledge.objects.get(pk=first.pk).status == "cancelled"
    assert Pledge.objects.get(pk=counted.pk).status == "confirmed"


def test_a_pledge_paid_after_cancelling_is_recorded_paid_without_going_negative(
    client, appeal, stripe_double
):
    """The Checkout tab was open before the cancel and its expiry never
    reached Stripe (after-commit work not run): the money still arrives."""
    pledge = pledge_make(appeal=appeal)
    client.get(path(links.GIVE, pledge))
    session_id = Donation.objects.get().checkout_session_id
    services.pledge_cancel(pledge_id=pledge.pk)
    assert totals(appeal) == (0, 0, 0)

    stripe_double.pay(session_id)
    pledge.refresh_from_db()
    assert pledge.status == "fulfilled"
    assert pledge.donation == Donation.objects.get()
    assert totals(appeal) == (0, 0, 2500)

    # Told twice that it was paid, the pledge and totals do not move again.
    services.pledge_fulfil(pledge_id=pledge.pk, donation=pledge.donation)
    assert totals(appeal) == (0, 0, 2500)
    assert Pledge.objects.get(pk=pledge.pk).status == "fulfilled"
