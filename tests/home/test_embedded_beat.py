"""The embedded default runs the beat schedule in-process (no broker)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from home.embedded_beat import EmbeddedBeat
from home.models import WorkerHeartbeat
from supporters.mailings import services
from supporters.mailings.models import Mailing
from supporters.models import Subscription, Supporter, Topic

pytestmark = pytest.mark.django_db


def test_every_interval_sweep_runs_at_start_and_daily_ones_wait_for_their_time():
    start = timezone.now().replace(hour=12, minute=0)
    with time_machine.travel(start, tick=False):
        beat = EmbeddedBeat(app)
        ran = set(beat.run_due())
        assert "home.tasks.heartbeat_record" in ran
        assert "mailings.sweep" in ran
        assert "supporters.tasks.retention_run" not in ran
        assert beat.run_due() == []  # nothing is due twice in the same second
    assert WorkerHeartbeat.objects.exists()
    with time_machine.travel(start + datetime.timedelta(hours=15, minutes=30)):
        ran = set(beat.run_due())
    assert "supporters.tasks.retention_run" in ran  # 03:15 came and went
    assert "home.tasks.heartbeat_record" in ran


def test_a_scheduled_mailing_goes_out_on_the_embedded_default(
    anymail_outbox, django_capture_on_commit_callbacks
):
    topic = Topic.objects.create(name="News", slug="news")
    person = Supporter.objects.create(email="reader@example.org", first_name="Ruth")
    Subscription.objects.create(
        supporter=person, topic=topic, status="confirmed", confirmed_at=timezone.now()
    )
    mailing = Mailing.objects.create(
        subject="Hearing news",
        body=[{"type": "paragraph", "value": "<p>Hello</p>"}],
    )
    mailing.topics.set([topic])
    when = timezone.now() + datetime.timedelta(minutes=30)
    services.mailing_schedule(mailing=mailing, when=when)
    beat = EmbeddedBeat(app)
    with (
        time_machine.travel(when + datetime.timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        beat.run_due()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert [m.to for m in anymail_outbox] == [["reader@example.org"]]


def test_runserver_starts_the_beat_only_without_a_broker(settings, monkeypatch):
    from home.management.commands import runserver

    started = []
    monkeypatch.setattr(
        "home.embedded_beat.embedded_beat_start", lambda: started.append(True)
    )
    monkeypatch.setattr(
        runserver.StaticFilesRunserver, "inner_run", lambda self, *a, **k: None
    )
    settings.EMBEDDED_BEAT = True
    settings.TASKS_RUN_IN_PROCESS = False
    call_command("runserver", "--noreload", "--skip-checks")
    assert started == []
    settings.TASKS_RUN_IN_PROCESS = True
    call_command("runserver", "--noreload", "--skip-checks")
    assert started == [True]
