"""Pledges tied to a milestone: wait, then fall due when staff call them in."""

import datetime
import uuid

import pytest
import time_machine

from fundraising.pledges import reminders, selectors, services
from fundraising.pledges.models import MilestoneCallIn, Pledge

from .factories import appeal_make, pledge_make

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
KEY = uuid.uuid4()


def milestone_pledge(appeal, amount=2500, confirm=True, key=KEY):
    return pledge_make(
        appeal=appeal,
        when="milestone",
        milestone_key=key,
        amount_pence=amount,
        confirm=confirm,
    )


def test_milestone_pledges_count_as_pledged_but_get_no_reminders_until_called_in(
    appeal,
):
    milestone_pledge(appeal)
    appeal.refresh_from_db()
    assert appeal.pledged_pence == 2500
    assert reminders.reminders_sweep() == 0


def test_selector_shows_how_many_and_how_much_a_milestone_calls_in(appeal):
    milestone_pledge(appeal, 2500)
    milestone_pledge(appeal, 10000)
    milestone_pledge(appeal, 700, confirm=False)  # unconfirmed: not counted
    milestone_pledge(appeal, 999, key=uuid.uuid4())  # another milestone
    assert selectors.pledges_called_in_by(milestone_key=KEY) == {
        "count": 2,
        "amount_pence": 12500,
    }


def test_call_in_makes_the_pledges_due_today_with_reminders(appeal):
    # Called in at 14:00 London in winter: the first reminder goes at once,
    # the second at 09:00 three days later.
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 14, tzinfo=UTC), tick=False
    ):
        first = milestone_pledge(appeal, 2500)
        second = milestone_pledge(appeal, 5000)
        call_in = services.pledges_call_in(
            appeal=appeal, milestone_key=KEY, milestone_title="Permission granted"
        )
        assert (call_in.pledges_count, call_in.amount_pence) == (2, 7500)
        assert reminders.reminders_sweep() == 2
    for pledge in (first, second):
        pledge.refresh_from_db()
        assert pledge.due_date == datetime.date(2026, 12, 1)
        assert pledge.reminders.get(number=2).due_at == datetime.datetime(
            2026, 12, 4, 9, tzinfo=UTC
        )
    assert selectors.pledges_called_in_by(milestone_key=KEY)["count"] == 0


def test_calling_in_twice_changes_nothing(appeal):
    milestone_pledge(appeal)
    services.pledges_call_in(appeal=appeal, milestone_key=KEY, milestone_title="M")
    again = services.pledges_call_in(
        appeal=appeal, milestone_key=KEY, milestone_title="M"
    )
    assert again.pledges_count == 1
    assert MilestoneCallIn.objects.count() == 1
    assert reminders.reminders_sweep() == 1


def test_a_pledge_confirmed_after_the_call_in_is_due_at_once(appeal):
    late = milestone_pledge(appeal, confirm=False)
    services.pledges_call_in(appeal=appeal, milestone_key=KEY, milestone_title="M")
    services.pledge_confirm(pledge_id=late.pk)
    late.refresh_from_db()
    assert late.due_date is not None
    assert reminders.reminders_sweep() == 1


def test_confirming_after_another_milestone_was_called_in_stays_waiting(appeal):
    waiting = milestone_pledge(appeal, confirm=False)
    services.pledges_call_in(
        appeal=appeal, milestone_key=uuid.uuid4(), milestone_title="Other"
    )
    services.pledge_confirm(pledge_id=waiting.pk)
    waiting.refresh_from_db()
    assert (waiting.due_date, waiting.called_in_at) == (None, None)
    assert reminders.reminders_sweep() == 0


def test_milestones_already_called_in_are_not_offered(appeal):
    from fundraising.pledges.forms import PledgeForm

    services.pledges_call_in(appeal=appeal, milestone_key=KEY, milestone_title="M")
    other = uuid.uuid4()
    form = PledgeForm(appeal=appeal, milestones=[(KEY, "M"), (other, "Hearing")])
    assert [key for key, _ in form.fields["milestone"].choices] == ["", str(other)]


def test_progress_totals_follow_confirm_call_in_and_payment(appeal):
    from fundraising.models import Donation

    pledge = milestone_pledge(appeal, 4000)
    pledge_make(appeal=appeal, amount_pence=1000)
    appeal.refresh_from_db()
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (5000, 2)
    services.pledges_call_in(appeal=appeal, milestone_key=KEY, milestone_title="M")
    appeal.refresh_from_db()
    assert appeal.pledged_pence == 5000  # still promised, now due
    donation = Donation.objects.create(
        appeal=appeal, amount_pence=4000, metadata={"pledge_id": str(pledge.pk)}
    )
    from fundraising.services.totals import donation_facts_merge

    donation_facts_merge(donation_id=donation.pk, paid_at=datetime.datetime.now(UTC))
    appeal.refresh_from_db()
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (1000, 1)
    assert appeal.raised_pence == 4000
    assert Pledge.objects.get(pk=pledge.pk).status == "fulfilled"


def test_a_donation_naming_a_pledge_of_another_appeal_fulfils_nothing(appeal):
    from fundraising.models import Donation
    from fundraising.services.totals import donation_facts_merge

    pledge = pledge_make(appeal=appeal)
    other = appeal_make()
    donation = Donation.objects.create(
        appeal=other, amount_pence=2500, metadata={"pledge_id": str(pledge.pk)}
    )
    donation_facts_merge(donation_id=donation.pk, paid_at=datetime.datetime.now(UTC))
    pledge.refresh_from_db()
    assert pledge.status == "confirmed"


def test_the_first_call_in_tells_listeners_once(appeal):
    from fundraising.pledges.signals import milestone_called_in

    heard = []

    def listener(sender, call_in, user, **kwargs):
        heard.append(call_in.milestone_key)

    milestone_called_in.connect(listener)
    try:
        services.pledges_call_in(appeal=appeal, milestone_key=KEY, milestone_title="M")
        assert heard == [KEY]  # at the first call-in, not a later one
        services.pledges_call_in(appeal=appeal, milestone_key=KEY, milestone_title="M")
    finally:
        milestone_called_in.disconnect(listener)
    assert heard == [KEY]
