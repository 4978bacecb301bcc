"""Reminders through a real Celery worker and Redis: the sweep task delivered
twice (as Redis redelivers an unacknowledged task) sends each reminder once."""

import datetime

import pytest
from django.utils import timezone

from fundraising.pledges import tasks
from fundraising.pledges.models import PledgeReminder
from supporters.models import EmailMessageLog
from tests.conftest import wait_for

from .factories import appeal_make, pledge_make

PLEDGES = 12


@pytest.mark.worker
def test_sweep_on_a_real_worker_sends_each_reminder_once(
    celery_worker_factory, celery_broker, tmp_path
):
    appeal = appeal_make()
    for _ in range(PLEDGES):
        pledge_make(appeal=appeal)
    # Their first reminders fell due a minute ago.
    PledgeReminder.objects.filter(number=1).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    mail_dir = tmp_path / "mail"
    worker = celery_worker_factory(
        concurrency=2, extra_env={"WORKER_MAIL_DIR": str(mail_dir)}
    )

    def sweeps_done() -> int:
        return sum(
            1
            for line in worker.log().splitlines()
            if "pledge_reminders_sweep[" in line and "succeeded" in line
        )

    tasks.pledge_reminders_sweep.delay()
    tasks.pledge_reminders_sweep.delay()  # a redelivery of the same work

    sent = EmailMessageLog.objects.filter(template="pledge_reminder", status="sent")
    wait_for(lambda: sent.count() == PLEDGES, timeout=60, what="reminders sent")

    def files_say():
        text = "".join(p.read_text() for p in mail_dir.glob("*") if p.is_file())
        return text.count("Subject: Your pledge of")

    wait_for(lambda: files_say() == PLEDGES, timeout=30, what="reminder files")
    # Another sweep later finds nothing more to send.
    tasks.pledge_reminders_sweep.delay()
    wait_for(lambda: sweeps_done() == 3, timeout=30, what="the third sweep")
    wait_for(
        lambda: not EmailMessageLog.objects.exclude(status="sent").exists(),
        timeout=30,
        what="the outbox to drain",
    )
    assert files_say() == PLEDGES
    assert EmailMessageLog.objects.filter(template="pledge_reminder").count() == PLEDGES
    assert PledgeReminder.objects.filter(number=2, status="sent").count() == 0


def bulk_due_reminders(count: int) -> None:
    """``count`` confirmed pledges whose first reminder is due (bulk, fast)."""
    from fundraising.pledges.models import Pledge
    from supporters.models import Supporter

    appeal = appeal_make()
    now = timezone.now()
    people = Supporter.objects.bulk_create(
        [Supporter(email=f"bulk{i}@example.org") for i in range(count)]
    )
    pledges = Pledge.objects.bulk_create(
        [
            Pledge(
                appeal=appeal,
                supporter=person,
                amount_pence=1000,
                status="confirmed",
                when="date",
                due_date=now.date(),
                confirmed_at=now,
            )
            for person in people
        ]
    )
    PledgeReminder.objects.bulk_create(
        [
            PledgeReminder(
                pledge=pledge, number=1, due_at=now - datetime.timedelta(minutes=1)
            )
            for pledge in pledges
        ]
    )


@pytest.mark.worker
def test_pool_process_killed_mid_sweep_the_retried_task_sends_nobody_twice(
    celery_worker_factory, celery_broker
):
    import psutil

    total = 1500  # three batches of 500: the kill lands after the first
    bulk_due_reminders(total)
    worker = celery_worker_factory(concurrency=1)
    sweep = tasks.pledge_reminders_sweep.delay()

    logs = EmailMessageLog.objects.filter(template="pledge_reminder")
    wait_for(lambda: logs.count() >= 500, timeout=120, what="the first batch")
    assert logs.count() < total, "the sweep finished before the kill"
    # SIGKILL the pool process running the sweep: its open batch rolls back;
    # the task was acknowledged late, so Celery hands it out again.
    for child in psutil.Process(worker.process.pid).children(recursive=True):
        child.kill()

    wait_for(
        lambda: logs.count() == total,
        timeout=240,
        interval=1,
        what="every reminder after the retry",
    )
    assert "WorkerLostError" in worker.log()
    # The same task was handed out again (acks_late, reject on worker lost).
    assert worker.log().count(f"pledge_reminders_sweep[{sweep.id}] received") == 2
    reminder_ids = [log.metadata["reminder_id"] for log in logs]
    assert len(reminder_ids) == len(set(reminder_ids)) == total
    assert not PledgeReminder.objects.exclude(status="sent").exists()
