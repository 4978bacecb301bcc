"""A mailing whose background job fails or is lost says so, and can go on.

The faults are injected where the real code would raise (the snapshot's
SQL, the sender's database work), in-process as on the embedded default.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from supporters.mailings import sending, services
from supporters.mailings.models import Delivery, Mailing

from .conftest import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="sender", email="sender@example.org", password="x" * 12
    )
    client.force_login(user)
    return client


def _fail_once(monkeypatch, module, name):
    """Make ``module.name`` raise a database error on its first call only,
    as a dropped connection would."""
    real = getattr(module, name)
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)


def test_a_send_job_that_raises_shows_failed_with_a_reason_and_try_again_finishes(
    staff,
    topic,
    mailing_factory,
    anymail_outbox,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    people = make_people(5, topic=topic)
    mailing = mailing_factory(topics=[topic])
    _fail_once(monkeypatch, sending, "mailing_deliver")

    with (
        caplog.at_level(logging.ERROR),
        django_capture_on_commit_callbacks(execute=True),
    ):
        staff.post(reverse("mailings:send", args=[mailing.pk]))

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FAILED
    assert "database could not be reached" in mailing.failure_reason
    assert any("failed" in r.getMessage() for r in caplog.records)
    assert anymail_outbox == []
    page = staff.get(reverse("mailings:status", args=[mailing.pk])).content.decode()
    assert "Sending failed." in page and "database could not be reached" in page
    assert reverse("mailings:retry", args=[mailing.pk]) in page
    progress = staff.get(reverse("mailings:progress", args=[mailing.pk])).json()
    assert progress["status"] == "failed" and progress["finished"] is True

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("mailings:retry", args=[mailing.pk]))

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT and mailing.failure_reason == ""
    sent_to = sorted(address for message in anymail_outbox for address in message.to)
    assert sent_to == sorted(p.email for p in people)  # each exactly once


def test_a_snapshot_that_raises_fails_the_mailing_instead_of_waiting_for_ever(
    staff,
    topic,
    mailing_factory,
    anymail_outbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    _fail_once(monkeypatch, services, "mailing_snapshot")

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("mailings:send", args=[mailing.pk]))

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FAILED
    assert Delivery.objects.filter(mailing=mailing).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("mailings:retry", args=[mailing.pk]))
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert sum(len(m.to) for m in anymail_outbox) == 3


def test_a_mailing_whose_job_was_lost_is_shown_stalled_and_can_be_started_again(
    staff, topic, mailing_factory, anymail_outbox, django_capture_on_commit_callbacks
):
    make_people(4, topic=topic)
    mailing = mailing_factory(topics=[topic])
    # "Send" was pressed, but the snapshot task never ran (the broker lost it).
    Mailing.objects.filter(pk=mailing.pk).update(
        status=Mailing.Status.SENDING,
        started_at=timezone.now() - timedelta(minutes=7),
        frozen_subject="News",
        frozen_html="<p>News</p>",
        frozen_text="News",
        frozen_from="Campaign <hello@example.org>",
    )
    page = staff.get(reverse("mailings:status", args=[mailing.pk])).content.decode()
    assert "Nothing has happened for 7 minutes." in page
    assert (
        staff.get(reverse("mailings:progress", args=[mailing.pk])).json()[
            "stalled_minutes"
        ]
        == 7
    )

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("mailings:retry", args=[mailing.pk]))
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert sum(len(m.to) for m in anymail_outbox) == 4
    page = staff.get(reverse("mailings:status", args=[mailing.pk])).content.decode()
    assert "Nothing has happened" not in page


def test_a_healthy_mailing_is_not_called_stalled(topic, mailing_factory):
    mailing = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=mailing.pk).update(
        status=Mailing.Status.SENDING, started_at=timezone.now() - timedelta(seconds=30)
    )
    mailing.refresh_from_db()
    from supporters.mailings.selectors import mailing_stalled_seconds

    assert mailing_stalled_seconds(mailing=mailing) is None


def test_retry_refuses_a_mailing_that_is_not_failed_or_sending(
    staff, topic, mailing_factory
):
    mailing = mailing_factory(topics=[topic])
    response = staff.post(reverse("mailings:retry", args=[mailing.pk]), follow=True)
    assert b"Only a failed or sending mailing can be started again." in response.content
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
