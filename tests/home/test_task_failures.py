"""A sweep that raises is recorded, logged, shown on the dashboard and can
be run again; its next success clears it. In-process, as on the embedded
default (Celery sends the same signals as on a worker)."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.urls import reverse

from home.models import TaskFailure
from supporters import emails
from supporters.tasks import email_outbox_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="x" * 12
    )
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def errors_stay_in_the_task(monkeypatch):
    """As on the embedded default (dev settings): an in-process task's error
    is handled by Celery, not raised into the caller (tests elsewhere make it
    propagate)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def broken_sweep(monkeypatch):
    state = {"broken": True, "runs": 0}
    real = emails.email_outbox_sweep

    def sweep(*args, **kwargs):
        state["runs"] += 1
        if state["broken"]:
            raise OperationalError("could not connect to server")
        return real(*args, **kwargs)

    monkeypatch.setattr(emails, "email_outbox_sweep", sweep)
    return state


def _run(task):
    """Run as beat would."""
    task.delay()


def test_a_failing_sweep_shows_on_the_dashboard_with_its_reason(
    admin, broken_sweep, caplog
):
    with caplog.at_level(logging.ERROR, logger="home.jobs"):
        _run(email_outbox_sweep)

    failure = TaskFailure.objects.get()
    assert failure.task_name == "supporters.tasks.email_outbox_sweep"
    assert failure.resolved_at is None
    assert "database could not be reached" in failure.reason
    assert "email_outbox_sweep failed" in caplog.text
    page = admin.get(reverse("wagtailadmin_home")).content.decode()
    assert "Background jobs that failed" in page
    assert "supporters.tasks.email_outbox_sweep" in page


def test_run_again_runs_the_task_and_clears_it(admin, broken_sweep):
    _run(email_outbox_sweep)
    failure = TaskFailure.objects.get()
    broken_sweep["broken"] = False

    response = admin.post(reverse("home_task_failure_retry", args=[failure.pk]))

    assert response.status_code == 302
    assert broken_sweep["runs"] == 2
    failure.refresh_from_db()
    assert failure.resolved_at is not None
    page = admin.get(reverse("wagtailadmin_home")).content.decode()
    assert "Background jobs that failed" not in page


def test_the_next_successful_tick_closes_the_failure(admin, broken_sweep):
    _run(email_outbox_sweep)
    _run(email_outbox_sweep)
    assert TaskFailure.objects.filter(resolved_at__isnull=True).count() == 2
    broken_sweep["broken"] = False
    _run(email_outbox_sweep)
    assert not TaskFailure.objects.filter(resolved_at__isnull=True).exists()


def test_only_superusers_see_or_rerun_failures(client, django_user_model, broken_sweep):
    _run(email_outbox_sweep)
    failure = TaskFailure.objects.get()
    user = django_user_model.objects.create_user("ed", "ed@example.org", "x" * 12)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert (
        "Background jobs"
        not in client.get(reverse("wagtailadmin_home")).content.decode()
    )
    response = client.post(reverse("home_task_failure_retry", args=[failure.pk]))
    assert response.status_code in (302, 403)
    assert broken_sweep["runs"] == 1
    failure.refresh_from_db()
    assert failure.resolved_at is None


def test_dismiss_closes_without_running(admin, broken_sweep):
    _run(email_outbox_sweep)
    failure = TaskFailure.objects.get()
    admin.post(reverse("home_task_failure_dismiss", args=[failure.pk]))
    failure.refresh_from_db()
    assert failure.resolved_at is not None and broken_sweep["runs"] == 1
