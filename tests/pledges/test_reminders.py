"""Reminders: the right time across the clock change, each sent at most once,
none after the pledge is paid, cancelled or expired."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from fundraising.pledges import reminders, services, tasks
from fundraising.pledges.models import Pledge, PledgeReminder
from supporters.models import EmailMessageLog

from .factories import appeal_make, pledge_make

UTC = datetime.UTC
D = datetime.date
pytestmark = pytest.mark.django_db


def reminder_logs(pledge=None):
    rows = EmailMessageLog.objects.filter(template="pledge_reminder")
    if pledge is not None:
        rows = rows.filter(metadata__pledge_id=str(pledge.pk))
    return rows


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def test_reminders_go_at_nine_london_time_either_side_of_the_clock_change():
    # Due Friday 23 Oct 2026 (BST); the second reminder is Monday 26 Oct (GMT).
    with time_machine.travel(at(2026, 10, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal_make(), due_date=D(2026, 10, 23))
    steps = [
        (at(2026, 10, 23, 7, 59), 0),
        (at(2026, 10, 23, 8, 0), 1),  # 09:00 BST
        (at(2026, 10, 26, 8, 59), 1),  # 08:59 GMT: not yet
        (at(2026, 10, 26, 9, 0), 2),  # 09:00 GMT
        (at(2026, 11, 30, 9, 0), 2),  # and never a third
    ]
    for moment, expected in steps:
        with time_machine.travel(moment, tick=False):
            tasks.pledge_reminders_sweep.apply()
        assert reminder_logs(pledge).count() == expected, moment


def test_reminder_email_has_a_give_now_link_and_manage_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge_make(appeal=appeal_make(), amount_pence=2500, due_date=D(2026, 6, 5))
    mailoutbox.clear()
    with (
        time_machine.travel(at(2026, 6, 5, 8, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders.reminders_sweep() == 1
    (message,) = mailoutbox
    assert message.subject == "Your pledge of £25 is due today"
    assert "Give £25 now" in message.alternatives[0].content
    assert "/pledge/give/" in message.body
    assert "/pledge/manage/" in message.body


@pytest.mark.parametrize("ending", ["fulfil", "cancel", "expire"])
def test_no_reminder_after_the_pledge_is_paid_cancelled_or_expired(ending):
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal_make(), due_date=D(2026, 6, 5))
    with time_machine.travel(at(2026, 6, 5, 8, 0), tick=False):
        assert reminders.reminders_sweep() == 1
    if ending == "fulfil":
        Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.FULFILLED)
    elif ending == "cancel":
        services.pledge_cancel(pledge_id=pledge.pk)
    else:
        services.pledge_expire(pledge_id=pledge.pk)
    with time_machine.travel(at(2026, 6, 20, 9, 0), tick=False):
        assert reminders.reminders_sweep() == 0
    assert reminder_logs(pledge).count() == 1


def test_a_stale_pending_row_of_a_closed_pledge_is_skipped_not_sent():
    """Even if a reminder row is still pending, the sweep checks the pledge."""
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal_make(), due_date=D(2026, 6, 5))
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.CANCELLED)
    with time_machine.travel(at(2026, 6, 10, 9, 0), tick=False):
        assert reminders.reminders_sweep() == 0
    assert set(pledge.reminders.values_list("status", flat=True)) == {"skipped"}


def test_unconfirmed_pledge_gets_no_reminders():
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(
            appeal=appeal_make(), due_date=D(2026, 6, 5), confirm=False
        )
    with time_machine.travel(at(2026, 6, 10, 9, 0), tick=False):
        assert reminders.reminders_sweep() == 0
    assert not pledge.reminders.exists()


def test_a_retried_sweep_task_sends_nothing_twice():
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledges = [
            pledge_make(appeal=appeal_make(), due_date=D(2026, 6, 5)) for _ in range(3)
        ]
    with time_machine.travel(at(2026, 6, 5, 8, 30), tick=False):
        first = tasks.pledge_reminders_sweep.apply().get()
        # Redis redelivers an unacknowledged task: it runs again.
        second = tasks.pledge_reminders_sweep.apply().get()
    assert (first, second) == (3, 0)
    assert reminder_logs().count() == len(pledges)


def test_sweep_batches_process_everything_due(django_assert_max_num_queries):
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        appeal = appeal_make()
        for _ in range(7):
            pledge_make(appeal=appeal, due_date=D(2026, 6, 5))
    with time_machine.travel(at(2026, 6, 5, 8, 30), tick=False):
        assert reminders.reminders_sweep(batch_size=3) == 7
    assert reminder_logs().count() == 7


def test_unique_constraint_forbids_a_second_row_for_the_same_reminder():
    from django.db import IntegrityError, transaction

    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal_make(), due_date=D(2026, 6, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeReminder.objects.create(pledge=pledge, number=1, due_at=at(2026, 6, 5))


def test_changing_the_date_moves_the_unsent_reminders():
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal_make(), due_date=D(2026, 6, 5))
        services.pledge_reschedule(
            pledge_id=pledge.pk, when="date", due_date=D(2026, 7, 10)
        )
    due = list(pledge.reminders.order_by("number").values_list("due_at", flat=True))
    assert due == [at(2026, 7, 10, 8), at(2026, 7, 13, 8)]


def test_remind_now_uses_the_next_of_the_two_reminders():
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledge = pledge_make(appeal=appeal_make(), due_date=D(2026, 6, 20))
        reminders.reminder_bring_forward(pledge_id=pledge.pk)
        assert reminders.reminders_sweep() == 1
        reminders.reminder_bring_forward(pledge_id=pledge.pk)
        assert reminders.reminders_sweep() == 1
        with pytest.raises(services.PledgeStateError, match="Both reminders"):
            reminders.reminder_bring_forward(pledge_id=pledge.pk)
    with time_machine.travel(at(2026, 6, 30, 12), tick=False):
        assert reminders.reminders_sweep() == 0
    assert reminder_logs(pledge).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_on_postgresql_never_send_a_reminder_twice(
    require_postgres,
):
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        appeal = appeal_make()
        for _ in range(120):
            pledge_make(appeal=appeal, due_date=D(2026, 6, 5))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait(timeout=10)
            results.append(
                reminders.reminders_sweep(now=at(2026, 6, 5, 9), batch_size=10)
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(results) == 120
    assert all(results), "both sweeps should have claimed some reminders"
    assert reminder_logs().count() == 120
    reminder_ids = [log.metadata["reminder_id"] for log in reminder_logs()]
    assert len(set(reminder_ids)) == 120
    assert PledgeReminder.objects.filter(number=1, status="sent").count() == 120


def test_a_big_backlog_is_shared_with_helper_sweeps_without_doubling(monkeypatch):
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        appeal = appeal_make()
        for _ in range(5):
            pledge_make(appeal=appeal, due_date=D(2026, 6, 5))
    monkeypatch.setattr(tasks, "SWEEP_HELPER_PER_BACKLOG", 2)
    helpers = []
    real = tasks.pledge_reminders_sweep.apply_async

    def counting(*args, **kwargs):
        helpers.append(kwargs.get("kwargs"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks.pledge_reminders_sweep, "apply_async", counting)
    with time_machine.travel(at(2026, 6, 5, 8, 30), tick=False):
        tasks.pledge_reminders_sweep.apply()
    assert helpers == [{"helper": True}, {"helper": True}]
    assert reminder_logs().count() == 5


@pytest.mark.django_db(transaction=True)
def test_sweep_skips_a_pledge_another_transaction_is_changing(require_postgres):
    """A pledge locked by a cancel/payment in flight is left for the next
    sweep, which then sees its new state (here: cancelled, so nothing)."""
    from django.db import transaction

    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        appeal = appeal_make()
        busy = pledge_make(appeal=appeal, due_date=D(2026, 6, 5))
        pledge_make(appeal=appeal, due_date=D(2026, 6, 5))
    locked, release = threading.Event(), threading.Event()

    def cancel_slowly():
        try:
            with transaction.atomic():
                Pledge.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(timeout=30)
                services.pledge_cancel(pledge_id=busy.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=cancel_slowly)
    thread.start()
    assert locked.wait(timeout=10)
    try:
        assert reminders.reminders_sweep(now=at(2026, 6, 5, 9)) == 1  # the other
    finally:
        release.set()
        thread.join(timeout=30)
    assert reminders.reminders_sweep(now=at(2026, 6, 5, 9)) == 0
    assert reminder_logs(busy).count() == 0


def test_without_skip_locked_a_stale_batch_sends_nothing_already_sent(monkeypatch):
    """The SQLite path (no SKIP LOCKED; select_for_update does nothing): a
    sweep whose SELECT read rows that another sweep sent meanwhile claims
    each row with a conditional UPDATE and sends none of them again. Forced
    on PostgreSQL too (after the other sweep ran), so both CI configurations
    run this path."""
    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        pledges = [pledge_make(appeal=appeal_make(), due_date=D(2026, 6, 5))]
        pledges.append(pledge_make(appeal=pledges[0].appeal, due_date=D(2026, 6, 5)))
    now = at(2026, 6, 5, 8, 0)
    with time_machine.travel(now, tick=False):
        stale = list(
            PledgeReminder.objects.filter(status="pending", due_at__lte=now)
            .select_related("pledge__appeal", "pledge__supporter")
            .order_by("due_at", "pk")
        )
        assert len(stale) == 2
        assert reminders.reminders_sweep() == 2  # the other sweep got there first
        monkeypatch.setattr(
            connection.features, "has_select_for_update_skip_locked", False
        )
        assert reminders._send_batch(stale, now) == 0
    assert reminder_logs().count() == 2
    assert [reminder_logs(p).count() for p in pledges] == [1, 1]
