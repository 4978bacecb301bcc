"""A pledger's life: pledges for a milestone that slips, moves to a date,
is reminded, sees the appeal close and the pledge move, and pays."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from fundraising.models import Appeal
from fundraising.pledges import reminders, services
from fundraising.pledges.models import Pledge
from tests.pledges.factories import appeal_make

from .helpers import link, subjects

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
PERMISSION = uuid.uuid4()


def test_a_pledger_whose_milestone_moves_and_whose_appeal_closes(
    client,
    admin_client,
    stripe_double,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    appeal = appeal_make(name="Judicial review fund")
    other = appeal_make(name="Appeal court fund")
    run = django_capture_on_commit_callbacks

    # March: pledges £40 "when permission for judicial review is granted".
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=UTC)):
        with run(execute=True):  # the confirmation email goes out
            pledge = services.pledge_create(
                appeal=appeal,
                email="sam@example.org",
                first_name="Sam",
                amount_pence=4000,
                when=Pledge.When.MILESTONE,
                milestone_key=PERMISSION,
                milestones={PERMISSION: "Permission granted"},
            )
        with run(execute=True):
            client.post(link(mailoutbox[-1], "/pledge/confirm/"))
        pledge.refresh_from_db()
        assert (pledge.status, pledge.due_date) == ("confirmed", None)
        appeal.refresh_from_db()
        assert appeal.pledged_pence == 4000

    # The hearing slips; Sam moves the pledge to a date (the manage link).
    manage = link(mailoutbox[0], "/pledge/manage/")
    with time_machine.travel(datetime.datetime(2027, 4, 2, 12, tzinfo=UTC)):
        client.post(
            manage, {"action": "reschedule", "when": "date", "due_date": "2027-04-20"}
        )
    pledge.refresh_from_db()
    assert (pledge.when, str(pledge.due_date)) == ("date", "2027-04-20")
    assert pledge.milestone_key is None

    # 09:00 London on the day (BST): the first reminder.
    with (
        time_machine.travel(datetime.datetime(2027, 4, 20, 8, 1, tzinfo=UTC)),
        run(execute=True),
    ):
        assert reminders.reminders_sweep() == 1
    assert "Judicial review fund" in mailoutbox[-1].body

    # Before Sam gives, staff close the appeal and move its pledges.
    with run(execute=True):
        admin_client.post(
            reverse("pledges_close_appeal"),
            {"appeal": appeal.pk, "action": "move", "move_to": other.pk},
        )
    moved = mailoutbox[-1]
    assert moved.subject == "Your pledge of £40 now supports Appeal court fund"
    totals = dict(Appeal.objects.values_list("name", "pledged_pence"))
    assert totals == {"Judicial review fund": 0, "Appeal court fund": 4000}

    # Three days on, the second reminder names the new appeal; Sam pays.
    with time_machine.travel(datetime.datetime(2027, 4, 23, 8, 1, tzinfo=UTC)):
        with run(execute=True):  # the emails go out before Sam pays
            assert reminders.reminders_sweep() == 1
        second = mailoutbox[-1]
        assert "Appeal court fund" in second.body
        checkout = client.get(link(second, "/pledge/give/"))
        assert checkout.status_code == 302
        session_id = checkout["Location"].rsplit("/", 1)[-1]
        stripe_double.pay(session_id)

    pledge.refresh_from_db()
    other.refresh_from_db()
    assert pledge.status == "fulfilled" and pledge.donation.appeal_id == other.pk
    assert (other.raised_pence, other.pledged_pence, other.pledges_outstanding) == (
        4000,
        0,
        0,
    )
    assert (
        sum("reminder" in s.lower() or "due" in s.lower() for s in subjects(mailoutbox))
        >= 2
    )
    with time_machine.travel(datetime.datetime(2027, 5, 1, 8, 1, tzinfo=UTC)):
        assert reminders.reminders_sweep() == 0  # nothing after paying
