"""The whole path: pledge -> confirm -> due -> reminder -> give now -> Stripe
double -> webhook -> fulfilled, with the amount moving from pledged to raised."""

import datetime
import uuid

import pytest
import time_machine

from fundraising.models import Donation
from fundraising.pledges import reminders, schedule
from fundraising.pledges.models import Pledge

from .conftest import form_data, link_in


def progress_bar(appeal) -> str:
    """The fundraising progress bar, as the donate and campaign pages show it."""
    from django.template import Context, Template

    template = Template("{% load fundraising_tags %}{% appeal_progress appeal %}")
    return template.render(Context({"appeal": appeal}))


def test_pledge_to_paid_through_the_stripe_double(
    client, appeal, stripe_double, mailoutbox, django_capture_on_commit_callbacks
):
    today = schedule.london_today()
    due = today + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/pledge/{appeal.slug}/", form_data(due_date=due.isoformat())
        )
    assert response.status_code == 302
    assert response["Location"] == f"/pledge/{appeal.slug}/check-your-email/"
    pledge = Pledge.objects.get()
    assert pledge.status == "unconfirmed"
    appeal.refresh_from_db()
    assert appeal.pledged_pence == 0  # unconfirmed pledges do not count

    # Double opt-in: the link shows a button; only the POST confirms.
    (confirm_email,) = mailoutbox
    assert confirm_email.subject == "Please confirm your pledge of £25"
    assert f"Thank you for pledging £25 to {appeal.name}." in confirm_email.body
    # Staff see where a new supporter came from.
    assert pledge.supporter.source == f"pledge form /pledge/{appeal.slug}/"
    confirm_path = link_in(confirm_email, "/pledge/confirm/")
    assert client.get(confirm_path).status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == "unconfirmed"
    assert client.post(confirm_path).status_code == 200
    pledge.refresh_from_db()
    appeal.refresh_from_db()
    assert pledge.status == "confirmed"
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (2500, 1)
    assert appeal.raised_pence == 0
    assert "Pledged, still to come" in progress_bar(appeal)

    # Due: the 09:00 London sweep sends the first reminder.
    mailoutbox.clear()
    nine = schedule.reminder_at(due)
    with (
        time_machine.travel(nine + datetime.timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders.reminders_sweep() == 1
    (reminder,) = mailoutbox
    give_path = link_in(reminder, "/pledge/give/")

    # Give now: one click to Checkout; a second click reuses the same session.
    first = client.get(give_path)
    second = client.get(give_path)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert first["Location"].startswith(stripe_double.url)
    donation = Donation.objects.get()
    assert donation.amount_pence == 2500
    assert donation.metadata["pledge_id"] == str(pledge.pk)

    stripe_double.pay(donation.checkout_session_id)

    pledge.refresh_from_db()
    appeal.refresh_from_db()
    assert pledge.status == "fulfilled"
    assert pledge.donation_id == donation.pk
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (0, 0)
    assert appeal.raised_pence == 2500
    assert "£25 raised" in progress_bar(appeal)
    assert "Pledged, still to come" not in progress_bar(appeal)

    # No second reminder after payment, and the link now says thank you.
    with time_machine.travel(nine + datetime.timedelta(days=4), tick=False):
        assert reminders.reminders_sweep() == 0
    assert pledge.reminders.filter(status="sent").count() == 1
    response = client.get(give_path)
    assert response.status_code == 409
    assert "already given" in response.content.decode()
    assert Donation.objects.count() == 1


def test_give_now_after_the_session_expired_opens_a_new_one(
    client, appeal, stripe_double
):
    from fundraising import gateway
    from fundraising.pledges import links

    from .factories import pledge_make

    pledge = pledge_make(appeal=appeal)
    path = links.pledge_url(links.GIVE, pledge.pk).removeprefix("http://testserver")
    first = client.get(path)["Location"]
    gateway.checkout_session_expire(Donation.objects.get().checkout_session_id)
    second = client.get(path)["Location"]
    assert first != second
    assert Donation.objects.count() == 2
    # Paying the live session fulfils the pledge once.
    live = Donation.objects.get(checkout_url=second)
    stripe_double.pay(live.checkout_session_id)
    pledge.refresh_from_db()
    appeal.refresh_from_db()
    assert pledge.status == "fulfilled"
    assert appeal.raised_pence == 2500
    assert appeal.pledged_pence == 0


def test_paying_a_cancelled_pledge_is_refused(client, appeal, stripe_double):
    from fundraising.pledges import links, services

    from .factories import pledge_make

    pledge = pledge_make(appeal=appeal)
    services.pledge_cancel(pledge_id=pledge.pk)
    path = links.pledge_url(links.GIVE, pledge.pk).removeprefix("http://testserver")
    response = client.get(path)
    assert response.status_code == 409
    assert "cancelled" in response.content.decode()
    assert not Donation.objects.exists()


def test_cancelling_expires_an_open_checkout_so_it_cannot_be_paid(
    client, appeal, stripe_double, django_capture_on_commit_callbacks
):
    from fundraising import gateway
    from fundraising.pledges import links, services

    from .factories import pledge_make

    pledge = pledge_make(appeal=appeal)
    give = links.pledge_url(links.GIVE, pledge.pk).removeprefix("http://testserver")
    client.get(give)
    session_id = Donation.objects.get().checkout_session_id
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_cancel(pledge_id=pledge.pk)
    assert gateway.checkout_session_retrieve(session_id)["status"] == "expired"
    appeal.refresh_from_db()
    assert (appeal.pledged_pence, appeal.raised_pence) == (0, 0)


def test_remind_now_refuses_a_pledge_still_waiting_for_its_milestone(appeal):
    from fundraising.pledges import reminders, services

    from .factories import pledge_make

    pledge = pledge_make(appeal=appeal, when="milestone", milestone_key=uuid.uuid4())
    with pytest.raises(services.PledgeStateError, match="waits for a milestone"):
        reminders.reminder_bring_forward(pledge_id=pledge.pk)
