"""Cancel, change date, expiry, lapse, retention, privacy export and erasure."""

import datetime

import pytest
import time_machine

from fundraising.pledges import housekeeping, links, selectors, services
from fundraising.pledges.models import Pledge
from supporters import privacy

from .factories import pledge_make

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
D = datetime.date


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def manage_path(pledge):
    return f"/pledge/manage/{links.pledge_token(links.MANAGE, pledge.pk)}/"


def test_cancel_link_cancels_once_and_leaves_the_totals(client, appeal):
    pledge = pledge_make(appeal=appeal)
    response = client.post(manage_path(pledge), {"action": "cancel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your pledge is cancelled." in html
    # The summary shows the pledge as it now is.
    assert "<dt>Amount</dt><dd>£25</dd>" in html
    assert "<dt>Status</dt><dd>Cancelled</dd>" in html
    assert "Change the date" not in html
    again = client.post(manage_path(pledge), {"action": "cancel"})
    assert again.status_code == 200
    appeal.refresh_from_db()
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (0, 0)
    assert Pledge.objects.get().status == "cancelled"


def test_confirming_records_the_reminder_consent_with_its_wording(appeal):
    from supporters.models import ConsentRecord

    pledge = pledge_make(appeal=appeal, confirm=False)
    assert not ConsentRecord.objects.exists()  # asked, not yet given
    services.pledge_confirm(pledge_id=pledge.pk)
    consent = ConsentRecord.objects.get()
    assert consent.supporter == pledge.supporter
    assert consent.wording == services.CONSENT_WORDING
    assert consent.source == f"pledge {pledge.pk}"


def test_a_paid_pledge_is_fulfilled_when_the_money_came(appeal):
    from fundraising.models import Donation
    from fundraising.services.totals import donation_facts_merge

    pledge = pledge_make(appeal=appeal)
    donation = Donation.objects.create(
        appeal=appeal, amount_pence=2500, metadata={"pledge_id": str(pledge.pk)}
    )
    paid = at(2026, 11, 2, 10, 30)
    donation_facts_merge(donation_id=donation.pk, paid_at=paid)
    pledge.refresh_from_db()
    assert (pledge.status, pledge.fulfilled_at) == ("fulfilled", paid)
    assert not pledge.reminders.filter(status="pending").exists()


def test_change_date_link_moves_the_due_date(client, appeal):
    pledge = pledge_make(appeal=appeal)
    new = services.schedule.london_today() + datetime.timedelta(days=40)
    response = client.post(
        manage_path(pledge),
        {"action": "reschedule", "when": "date", "due_date": new.isoformat()},
    )
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.due_date == new
    assert pledge.reminders.get(number=1).due_at.date() == new


def test_change_date_to_the_past_is_refused_and_keeps_the_old_date(client, appeal):
    pledge = pledge_make(appeal=appeal)
    old = pledge.due_date
    response = client.post(
        manage_path(pledge),
        {"action": "reschedule", "when": "date", "due_date": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "Choose a date from tomorrow onwards." in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.due_date == old


def test_a_paid_pledge_cannot_be_cancelled(client, appeal):
    pledge = pledge_make(appeal=appeal)
    Pledge.objects.filter(pk=pledge.pk).update(status="fulfilled")
    response = client.post(manage_path(pledge), {"action": "cancel"})
    assert response.status_code == 409
    assert "paid" in response.content.decode()


def test_unconfirmed_pledges_expire_after_seven_days(appeal):
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal, confirm=False, today=D(2026, 6, 1))
    with time_machine.travel(at(2026, 6, 8, 11), tick=False):
        assert housekeeping.pledges_expire_unconfirmed() == 0
    with time_machine.travel(at(2026, 6, 8, 13), tick=False):
        assert housekeeping.pledges_expire_unconfirmed() == 1
        with pytest.raises(services.PledgeStateError, match="lapsed"):
            services.pledge_confirm(pledge_id=pledge.pk)
    appeal.refresh_from_db()
    assert appeal.pledged_pence == 0


def test_confirming_after_seven_days_is_refused_even_before_the_daily_task(appeal):
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal, confirm=False, today=D(2026, 6, 1))
    with (
        time_machine.travel(at(2026, 6, 9, 12), tick=False),
        pytest.raises(services.PledgeStateError),
    ):
        services.pledge_confirm(pledge_id=pledge.pk)


def test_unpaid_pledges_lapse_after_their_reminders_and_leave_the_total(
    appeal, settings
):
    settings.PLEDGES_LAPSE_DAYS = 30
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge_make(appeal=appeal, due_date=D(2026, 6, 5), today=D(2026, 6, 1))
    from fundraising.pledges import reminders

    with time_machine.travel(at(2026, 6, 9, 9), tick=False):
        assert reminders.reminders_sweep() == 2
    with time_machine.travel(at(2026, 7, 5, 9), tick=False):
        assert housekeeping.pledges_lapse() == 0
    with time_machine.travel(at(2026, 7, 6, 9), tick=False):
        assert housekeeping.pledges_lapse() == 1
    appeal.refresh_from_db()
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (0, 0)
    assert Pledge.objects.get().status == "expired"


def test_ended_pledges_are_anonymised_after_the_retention_period(appeal, settings):
    settings.PLEDGES_RETENTION_MONTHS = 12
    with time_machine.travel(at(2026, 1, 10, 12), tick=False):
        pledge = pledge_make(appeal=appeal, today=D(2026, 1, 10))
        services.pledge_cancel(pledge_id=pledge.pk)
        kept = pledge_make(appeal=appeal, today=D(2026, 1, 10))  # still open
    with time_machine.travel(at(2026, 12, 1, 12), tick=False):
        assert housekeeping.pledges_anonymise() == 0
    with time_machine.travel(at(2027, 1, 11, 12), tick=False):
        assert housekeeping.pledges_anonymise() == 1
    pledge.refresh_from_db()
    kept.refresh_from_db()
    assert pledge.supporter_id is None and pledge.anonymised_at
    assert pledge.amount_pence == 2500  # the figure stays
    assert kept.supporter_id is not None


def test_pledges_join_the_data_export(appeal):
    pledge = pledge_make(appeal=appeal)
    data = privacy.data_export(supporter=pledge.supporter)
    (row,) = data["pledges"]
    assert row["amount"] == "£25"
    assert row["appeal"] == appeal.name
    assert row["status"] == "Confirmed (outstanding)"


def test_erasure_cancels_open_pledges_and_removes_the_person(appeal):
    pledge = pledge_make(appeal=appeal)
    supporter = pledge.supporter
    privacy.supporter_erase(supporter=supporter, source="test")
    pledge.refresh_from_db()
    appeal.refresh_from_db()
    assert pledge.supporter_id is None
    assert pledge.status == "cancelled"
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (0, 0)


def test_stored_totals_match_the_records(appeal):
    for amount in (1000, 2000, 3000):
        pledge_make(appeal=appeal, amount_pence=amount)
    services.pledge_cancel(pledge_id=Pledge.objects.first().pk)
    appeal.refresh_from_db()
    actual = selectors.pledged_totals_actual(appeal=appeal)
    assert actual == {
        "pledged_pence": appeal.pledged_pence,
        "pledges_outstanding": appeal.pledges_outstanding,
    }


def test_housekeeping_task_runs_all_three(appeal):
    from fundraising.pledges import tasks

    assert tasks.pledges_housekeeping.apply().get() == {
        "expired": 0,
        "lapsed": 0,
        "anonymised": 0,
    }
