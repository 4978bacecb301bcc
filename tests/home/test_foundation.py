"""The skeleton: pages served, configuration errors, seeding, background work."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from home.models import HomePage, WorkerHeartbeat
from tests.conftest import ROOT, wait_for

pytestmark = pytest.mark.django_db


def test_home_page_is_served_at_the_site_root(client):
    response = client.get("/")
    assert response.status_code == 200
    assert isinstance(response.context["page"].specific, HomePage)


def test_admin_shows_the_login_page(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("wagtailadmin_login"))


def test_public_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_health_reports_database_and_worker_age(client):
    assert client.get("/healthz/").json() == {
        "database": "ok",
        "worker_seconds_since_seen": None,
    }


def test_seed_demo_twice_creates_no_duplicates(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="admin").count() == 1
    assert HomePage.objects.count() == 1
    assert HomePage.objects.get().live


def test_seed_demo_keeps_the_admin_password_between_runs(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    first = (tmp_path / "demo-admin-password.txt").read_text()
    call_command("seed_demo", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    assert (tmp_path / "demo-admin-password.txt").read_text() == first
    assert get_user_model().objects.get(username="admin").check_password(first)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "nonsense"),
        ("DATABASE_URL", "postgres://db.example:notaport/campaign"),
        ("REDIS_URL", "redis://127.0.0.1:port/0"),
        ("BASE_URL", "ftp://example.org"),
        ("DEBUG", "perhaps"),
        ("CELERY_TASK_TIME_LIMIT", "ten"),
    ],
)
def test_malformed_variable_stops_startup_with_one_line(variable, value):
    result = run_manage("check", **{variable: value})
    assert result.returncode == 78
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert variable in lines[0]


def test_production_without_secret_key_names_it():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 78
    assert result.stderr.strip() == (
        "Configuration error: SECRET_KEY is required in production but not set."
    )


@pytest.mark.worker
def test_heartbeat_runs_on_a_real_worker_through_redis(
    celery_worker_factory, celery_broker
):
    from home.tasks import heartbeat_record

    celery_worker_factory()
    heartbeat_record.delay()
    beat = wait_for(
        lambda: WorkerHeartbeat.objects.filter(name="worker").first(),
        what="the worker to record its heartbeat",
    )
    assert beat.hostname


@pytest.mark.worker
def test_wagtail_background_tasks_run_on_the_celery_worker(
    celery_worker_factory, celery_broker, settings, tmp_path
):
    """Wagtail's Django-tasks jobs reach the worker through config.tasks_backend."""
    from django.core.files.storage import FileSystemStorage
    from django.db import transaction
    from wagtail.tasks import delete_file_from_storage_task

    settings.TASKS = {"default": {"BACKEND": "config.tasks_backend.CeleryTaskBackend"}}
    doomed = tmp_path / "replaced-image.jpg"
    doomed.write_bytes(b"old file")
    storage = FileSystemStorage(location=str(tmp_path))

    celery_worker_factory()
    with transaction.atomic():
        delete_file_from_storage_task.enqueue(storage.deconstruct(), doomed.name)
    wait_for(lambda: not doomed.exists(), what="the worker to delete the file")


def test_stripe_double_origin_is_allowed_as_a_form_target_only_when_in_use(
    client, settings
):
    assert "127.0.0.1:8765" not in client.get("/")["Content-Security-Policy"]
    settings.STRIPE_API_BASE = "http://127.0.0.1:8765"
    policy = client.get("/")["Content-Security-Policy"]
    assert (
        "form-action 'self' https://checkout.stripe.com http://127.0.0.1:8765" in policy
    )
    assert "frame-ancestors 'none'" in policy
