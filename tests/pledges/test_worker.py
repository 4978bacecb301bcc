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
