"""Shared test fixtures.

Service-backed tests (PostgreSQL, Redis, a real Celery worker) skip on a laptop
without those services, and *fail* instead when REQUIRE_SERVICES=1, which
``.ci/run`` sets, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under REQUIRE_SERVICES=1 a skipped test counts as a failure."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"Skipped under REQUIRE_SERVICES=1: {report.longrepr}"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: Wagtail keeps site root paths
    there, and rate-limit counters and content versions live there too."""
    from django.core.cache import cache

    cache.clear()


# The only skips the embedded CI run accepts start with this: tests *about*
# PostgreSQL-only behaviour or real workers (.ci/check-skips reads it).
SERVICE_SKIP = "needs PostgreSQL/Redis: "


def services_missing(reason: str):
    """Skip (laptop, embedded default) or fail (REQUIRE_SERVICES=1) when the
    test is about PostgreSQL, Redis or a real worker and they are absent."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(SERVICE_SKIP + reason)


def tool_missing(reason: str):
    """Skip on a laptop without Chromium or axe-core. CI installs both, and
    .ci/check-skips fails any run where this skip happened."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip("needs a tool: " + reason)


@pytest.fixture
def require_postgres():
    if not settings.IS_POSTGRES:
        services_missing("this test needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        services_missing("this test needs Redis (set REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        services_missing(f"Redis at {url} is not answering: {error}")
    return url


@pytest.fixture
def anymail_outbox(settings, mailoutbox):
    """Send through anymail's test backend, so tags, metadata and merge data
    take anymail's real code paths; messages land in ``mail.outbox``."""
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    return mailoutbox


class CeleryWorker:
    """A real ``celery worker`` process against Redis and the test database."""

    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _database_url_for_worker() -> str:
    """The test database pytest-django created, as a URL for a subprocess."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        services_missing("a real worker needs PostgreSQL shared with the test")
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_factory(redis_url, transactional_db, tmp_path):
    """Start real Celery workers; the test's data must be committed
    (``transactional_db``) so the worker process can see it."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # no stale tasks from other runs
    workers: list[CeleryWorker] = []

    def start(*, concurrency: int = 1, extra_env: dict | None = None) -> CeleryWorker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.worker_test",
            "DATABASE_URL": _database_url_for_worker(),
            "REDIS_URL": redis_url,
            **(extra_env or {}),
        }
        log_path = tmp_path / f"worker-{len(workers)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(concurrency),
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test{len(workers)}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
        )
        worker = CeleryWorker(process, log_path)
        workers.append(worker)
        deadline = time.monotonic() + 60
        while "ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                worker.stop()
                pytest.fail(f"Celery worker did not start:\n{worker.log()}")
            time.sleep(0.2)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_broker(redis_url, settings):
    """Make this process publish tasks to Redis instead of running them eagerly."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    reset_broker_connections(app)
    yield app
    app.conf.task_always_eager = True
    app.conf.broker_url = "memory://"
    reset_broker_connections(app)


def reset_broker_connections(app) -> None:
    """Drop pooled broker connections so the next publish uses the new URL."""
    from kombu import pools

    pools.reset()  # kombu keeps a global registry of pools keyed by connection
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, what=""):
    """Poll until ``predicate()`` is truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout}s waiting for {what or predicate}")


@pytest.fixture
def stripe_double(settings):
    """The offline Stripe double (fundraising.stripe_double) on a free loopback
    port, with the settings pointed at it. Its webhooks are signed for real and
    delivered through Django's test client, in the calling thread, with the
    after-commit work run, so ``stripe_double.pay(session_id)`` ends with the
    webhook applied. ``stripe_double.deliveries`` lists (event id, status)."""
    from django.test import Client, TestCase

    from fundraising.stripe_double import StripeDouble

    client = Client()

    def deliver(payload: bytes, signature: str) -> int:
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                "/stripe/webhook/",
                data=payload,
                content_type="application/json",
                headers={"Stripe-Signature": signature},
            )
        return response.status_code

    double = StripeDouble(webhook_secret="whsec_test_double", deliver_to=deliver)
    double.start()
    settings.STRIPE_SECRET_KEY = "sk_test_double"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_double"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_double"
    settings.STRIPE_API_BASE = double.url
    yield double
    double.stop()


@pytest.fixture
def member_of(client, django_user_model):
    """``member_of("Supporter care")``: the test client, signed in as a new
    user in that seeded Wagtail group."""

    def sign_in(group_name: str, username: str = "care"):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", "pw"
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def charity(db):
    """Settings > Organisation says the organisation is a registered charity
    (Gift Aid on the donate form, the soft opt-in basis)."""
    from wagtail.models import Site

    from home.models import SiteSettings

    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.is_registered_charity = True
    settings_row.organisation_name = "Defend Pupil Privacy"
    settings_row.save()
    return settings_row
