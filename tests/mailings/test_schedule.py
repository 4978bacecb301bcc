"""Scheduling in UK time, the beat sweep, and the shared rate limit."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from supporters.mailings import ratelimit, services
from supporters.mailings.forms import ScheduleForm
from supporters.mailings.models import Mailing

from .conftest import make_people

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_schedule_form_reads_uk_time_across_the_clock_change():
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=LONDON)):
        form = ScheduleForm({"when": "2026-03-29T09:00"})  # first day of BST
        assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime.datetime(
        2026, 3, 29, 8, tzinfo=datetime.UTC
    )


def test_past_time_is_refused():
    form = ScheduleForm({"when": "2001-01-01T09:00"})
    assert not form.is_valid()
    assert "future" in form.errors["when"][0]


def test_scheduled_mailing_goes_out_when_due_and_not_before(
    anymail_outbox, topic, mailing_factory, django_capture_on_commit_callbacks
):
    make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic])
    when = timezone.now() + datetime.timedelta(hours=1)
    services.mailing_schedule(mailing=mailing, when=when)
    with django_capture_on_commit_callbacks(execute=True):
        services.mailings_sweep()
    assert Mailing.objects.get(pk=mailing.pk).status == "scheduled"
    due = when + datetime.timedelta(seconds=30)
    with (
        time_machine.travel(due, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.mailings_sweep()
    mailing.refresh_from_db()
    assert mailing.status == "sent" and mailing.sent_count == 2


def test_schedule_refuses_the_past_and_an_empty_audience(topic, mailing_factory):
    mailing = mailing_factory(topics=[topic])
    with pytest.raises(services.MailingError, match="future"):
        services.mailing_schedule(mailing=mailing, when=timezone.now())
    with pytest.raises(services.MailingError, match="Nobody"):
        services.mailing_schedule(
            mailing=mailing, when=timezone.now() + datetime.timedelta(hours=1)
        )


@pytest.mark.parametrize("use_redis", [False, True])
def test_rate_limit_holds_a_batch_until_the_next_minute(use_redis, settings, request):
    settings.REDIS_URL = request.getfixturevalue("redis_url") if use_redis else ""
    scope = f"test-{uuid.uuid4().hex}"  # a counter of its own
    start = datetime.datetime(2026, 5, 1, 10, 0, 10, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        waits = []

        def sleep(seconds):
            waits.append(seconds)
            clock.shift(seconds)

        assert ratelimit.rate_acquire(3, per_minute=5, sleep=sleep, scope=scope) == 0
        waited = ratelimit.rate_acquire(3, per_minute=5, sleep=sleep, scope=scope)
    assert waits and 49 < waited < 51  # held until 10:01:00
