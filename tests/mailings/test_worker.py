"""Real Celery workers through Redis, sending into the Postmark double."""

from __future__ import annotations

import threading
from collections import Counter

import psutil
import pytest
from django.db import connection

from supporters.mailings import sending, services
from supporters.mailings.models import Delivery, Mailing
from supporters.mailings.provider_double import PostmarkDouble
from tests.conftest import wait_for

from .conftest import make_people

pytestmark = [pytest.mark.services]


@pytest.fixture
def postmark():
    double = PostmarkDouble(token="server-token").start()
    yield double
    double.stop()


def worker_env(double, *, batch=500, lease=300):
    return {
        "DJANGO_SETTINGS_MODULE": "tests.mailings.worker_settings",
        "POSTMARK_DOUBLE_URL": double.url,
        "TEST_MAILINGS_BATCH_SIZE": str(batch),
        "TEST_MAILINGS_LEASE_SECONDS": str(lease),
    }


def kill_tree(worker) -> None:
    """SIGKILL the worker and its pool children: nothing gets to clean up."""
    parent = psutil.Process(worker.process.pid)
    for child in parent.children(recursive=True):
        child.kill()
    parent.kill()
    worker.process.wait(timeout=10)


def status_of(mailing):
    return Mailing.objects.values_list("status", flat=True).get(pk=mailing.pk)


@pytest.mark.worker
def test_real_workers_send_everyone_exactly_once_in_batches(
    celery_worker_factory, celery_broker, postmark, settings, topic, mailing_factory
):
    settings.MAILINGS_WORKERS = 2
    people = make_people(45, topic=topic)
    celery_worker_factory(concurrency=2, extra_env=worker_env(postmark, batch=10))
    mailing = mailing_factory(topics=[topic])
    services.mailing_send(mailing=mailing)  # what the admin's button calls
    wait_for(lambda: status_of(mailing) == "sent", timeout=60, what="mailing sent")

    received = Counter(postmark.recipients())
    assert set(received) == {p.email for p in people}
    assert max(received.values()) == 1
    assert all(r["size"] <= 10 for r in postmark.requests)
    mailing.refresh_from_db()
    assert mailing.sent_count == 45 and mailing.recipients_total == 45


@pytest.mark.worker
def test_killed_worker_mid_send_nobody_twice_nobody_skipped(
    celery_worker_factory, celery_broker, postmark, settings, topic, mailing_factory
):
    settings.MAILINGS_WORKERS = 2
    people = make_people(60, topic=topic)
    env = worker_env(postmark, batch=10, lease=3)
    first = celery_worker_factory(concurrency=1, extra_env=env)
    postmark.delay = 30  # the first batch hangs in flight after Postmark took it
    mailing = mailing_factory(topics=[topic])
    services.mailing_send(mailing=mailing)
    assert postmark.received.wait(timeout=60), "no batch reached the provider"
    kill_tree(first)  # SIGKILL mid-call: no chance to mark anything
    postmark.delay = 0

    celery_worker_factory(concurrency=1, extra_env=env)

    def finished():
        services.mailings_sweep()  # what beat does every minute
        return status_of(mailing) == "sent"

    wait_for(finished, timeout=90, interval=1, what="mailing finished after the kill")

    received = Counter(postmark.recipients())
    assert max(received.values()) == 1, "somebody got two copies"
    everyone = {p.email for p in people}
    uncertain = set(
        Delivery.objects.filter(mailing=mailing, status="uncertain").values_list(
            "supporter__email", flat=True
        )
    )
    assert len(uncertain) == 10  # exactly the batch that was in flight
    assert everyone == set(received), "somebody was skipped"
    assert uncertain <= set(received)  # Postmark had them: right not to resend
    assert not Delivery.objects.filter(
        mailing=mailing, status__in=["pending", "claimed", "sending"]
    ).exists()


@pytest.mark.worker
def test_provider_outage_is_retried_with_backoff_and_nobody_is_doubled(
    celery_worker_factory, celery_broker, postmark, settings, topic, mailing_factory
):
    settings.MAILINGS_WORKERS = 1
    people = make_people(12, topic=topic)
    postmark.failures = [503, 503]  # "unavailable" twice, then back
    celery_worker_factory(concurrency=1, extra_env=worker_env(postmark, batch=5))
    mailing = mailing_factory(topics=[topic])
    services.mailing_send(mailing=mailing)
    wait_for(lambda: status_of(mailing) == "sent", timeout=60, what="mailing sent")
    received = Counter(postmark.recipients())
    assert set(received) == {p.email for p in people}
    assert max(received.values()) == 1
    assert postmark.failures == []  # both failures were met, and retried past


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_the_same_instant_claim_disjoint_batches(
    require_postgres, settings, topic, mailing_factory
):
    settings.MAILINGS_BATCH_SIZE = 20
    make_people(30, topic=topic)
    mailing = mailing_factory(topics=[topic])
    # Paused while snapshotting, so no (eager) worker starts on commit.
    Mailing.objects.filter(pk=mailing.pk).update(status="paused")
    services.mailing_snapshot(mailing_id=mailing.pk)
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    assert Delivery.objects.filter(mailing=mailing, status="pending").count() == 30
    barrier = threading.Barrier(2)
    claimed: list[list[int]] = []

    def claim():
        try:
            barrier.wait()
            _token, _locked, rows = sending._claim(Mailing.objects.get(pk=mailing.pk))
            claimed.append([r["id"] for r in rows])
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            claimed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claimed
    assert not set(first) & set(second)
    assert sorted(map(len, claimed)) == [10, 20]
    assert Delivery.objects.filter(status="sending").count() == 30
