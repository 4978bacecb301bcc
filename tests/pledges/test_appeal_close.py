"""Closing an appeal never strands its pledgers: staff move the open pledges
to another open appeal (pledgers told) or release them with thanks; reminders
stop, and "give now" on a closed appeal says what is true."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from fundraising.models import Appeal
from fundraising.pledges import links, reminders
from fundraising.pledges.models import Pledge
from supporters.models import EmailMessageLog

from .factories import appeal_make, pledge_make

pytestmark = pytest.mark.django_db
CLOSE = reverse("pledges_close_appeal")


def _due_soon(appeal, **kw):
    return pledge_make(
        appeal=appeal, due_date=timezone.localdate() + datetime.timedelta(days=2), **kw
    )


def _sent(template):
    return EmailMessageLog.objects.filter(template=template)


def test_releasing_pledges_thanks_each_pledger_and_stops_reminders(
    admin_client, appeal, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed = _due_soon(appeal, amount_pence=3000)
    unconfirmed = _due_soon(appeal, confirm=False)
    page = admin_client.get(CLOSE, {"appeal": appeal.pk})
    assert "1</strong> confirmed pledge(s) worth <strong>£30" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CLOSE, {"appeal": appeal.pk, "action": "release"})

    assert response.status_code == 302
    appeal.refresh_from_db()
    assert not appeal.is_open
    assert (appeal.pledged_pence, appeal.pledges_outstanding) == (0, 0)
    statuses = dict(Pledge.objects.values_list("pk", "status"))
    assert statuses == {confirmed.pk: "released", unconfirmed.pk: "expired"}
    [thanks] = [m for m in mailoutbox if "released" in m.subject]
    assert thanks.to == [confirmed.supporter.email]
    assert "nothing to pay" in thanks.body
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10)):
        assert reminders.reminders_sweep() == 0
    assert not _sent("pledge_reminder").exists()


def test_moving_pledges_tells_the_pledger_and_keeps_their_reminders(
    admin_client, appeal, mailoutbox, django_capture_on_commit_callbacks
):
    other = appeal_make(name="Appeal costs")
    pledge = _due_soon(appeal, amount_pence=2500)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            CLOSE, {"appeal": appeal.pk, "action": "move", "move_to": other.pk}
        )

    pledge.refresh_from_db()
    assert (pledge.appeal_id, pledge.status) == (other.pk, "confirmed")
    totals = dict(Appeal.objects.values_list("pk", "pledged_pence"))
    assert totals == {appeal.pk: 0, other.pk: 2500}
    [moved] = [m for m in mailoutbox if "now supports" in m.subject]
    assert "Appeal costs" in moved.subject and "Judicial review fund" in moved.body
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert reminders.reminders_sweep() == 1


def test_moving_to_a_closed_or_the_same_appeal_is_refused_and_changes_nothing(
    admin_client, appeal
):
    closed = appeal_make(is_open=False)
    pledge = _due_soon(appeal)
    for target in (closed.pk, appeal.pk, ""):
        response = admin_client.post(
            CLOSE, {"appeal": appeal.pk, "action": "move", "move_to": target}
        )
        assert response.status_code == 400
        assert "Choose another appeal that is open" in response.content.decode()
    appeal.refresh_from_db()
    pledge.refresh_from_db()
    assert appeal.is_open and pledge.appeal_id == appeal.pk


def test_reminders_stop_as_soon_as_an_appeal_is_unticked_open(appeal):
    _due_soon(appeal)
    Appeal.objects.filter(pk=appeal.pk).update(is_open=False)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10)):
        assert reminders.reminders_sweep() == 0


def test_give_now_on_a_closed_appeal_tells_the_truth(client, stripe_double, appeal):
    pledge = _due_soon(appeal)
    Appeal.objects.filter(pk=appeal.pk).update(is_open=False)
    give = links.pledge_url(links.GIVE, pledge.pk).removeprefix("http://testserver")

    response = client.get(give)

    text = response.content.decode()
    assert response.status_code == 409
    assert "This appeal has closed" in text
    assert "try" not in text.lower() or "later" not in text.lower()
    assert not stripe_double.sessions()
