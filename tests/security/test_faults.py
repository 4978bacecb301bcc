"""Faults lose nothing: each test breaks one dependency mid-flow.

- The Stripe API hangs while a Checkout Session is created: the donor gets a
  friendly message and no pending donation is left behind.
- The database connection drops while a webhook is stored, or while it is
  applied: Stripe's retry (or the beat sweep) applies the event exactly once.
- Redis is down while someone signs up, pledges or donates: the request
  succeeds, the record is stored, and the email goes out once Redis is back.
"""

from __future__ import annotations

import datetime
import socket
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from fundraising.models import Appeal, Donation, StripeEvent
from fundraising.services.events import stripe_events_sweep
from supporters.antispam import antispam_timestamp
from supporters.models import EmailMessageLog
from supporters.services import supporter_upsert
from tests.conftest import reset_broker_connections
from tests.fundraising.conftest import form_data, start_gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(db):
    return Appeal.objects.create(
        name="Judicial review fund", slug="judicial-review", target_pence=2_500_000
    )


@pytest.fixture
def donor(db):
    return supporter_upsert(email="ada@example.org", source="test", first_name="Ada")


@pytest.fixture
def silent_stripe(settings):
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    settings.STRIPE_SECRET_KEY = "sk_test_silent"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_silent"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings.STRIPE_TIMEOUT_SECONDS = 1
    yield
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    listener.close()


def test_stripe_timeout_gives_a_friendly_error_and_no_dangling_donation(
    client, appeal, silent_stripe
):
    started = time.monotonic()
    response = client.post(f"/donate/{appeal.slug}/", form_data())
    assert time.monotonic() - started < 30  # the SDK's own default is 80 s a try
    assert response.status_code == 503
    assert b"could not reach our card payment provider" in response.content
    assert b"Nothing was charged" in response.content
    assert not Donation.objects.exists()


class DropConnectionOn:
    """Simulate the database connection dropping on a matching statement."""

    def __init__(self, fragment: str, times: int = 1):
        self.fragment, self.remaining = fragment, times

    def __call__(self, execute, sql, params, many, context):
        if self.remaining and self.fragment in sql:
            self.remaining -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def test_connection_lost_while_storing_a_webhook_is_applied_once_on_retry(
    stripe_double, appeal, donor
):
    donation = start_gift(appeal, donor, 2500)
    stored_before = StripeEvent.objects.count()
    with connection.execute_wrapper(
        DropConnectionOn('INSERT INTO "fundraising_stripeevent"', times=100)
    ):
        stripe_double.pay(donation.checkout_session_id)
    assert {status for _, status in stripe_double.deliveries} == {503}  # retried
    assert StripeEvent.objects.count() == stored_before
    appeal.refresh_from_db()
    assert appeal.raised_pence == 0

    for _ in range(2):  # Stripe retries, perhaps more than once
        for event in stripe_double.state.events:
            assert stripe_double.send(event) == 200
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert donation.status == "succeeded"
    assert appeal.raised_pence == 2500 and appeal.donor_count == 1
    assert StripeEvent.objects.count() == stored_before + len(
        stripe_double.state.events
    )


def test_connection_lost_while_applying_a_stored_event_is_applied_once_later(
    stripe_double, appeal, donor, django_capture_on_commit_callbacks
):
    donation = start_gift(appeal, donor, 2500)
    with connection.execute_wrapper(
        DropConnectionOn('UPDATE "fundraising_appeal"', times=1)
    ):
        stripe_double.pay(donation.checkout_session_id)
    donation.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.raised_pence == 0  # nothing half-applied
    event = StripeEvent.objects.get(type="checkout.session.completed")
    assert event.processed_at is None

    completed = stripe_double.state.events[0]
    assert stripe_double.send(completed) == 200  # a duplicate: stored once
    StripeEvent.objects.update(received_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        stripe_events_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        stripe_events_sweep()  # a second sweep finds nothing left to do
    appeal.refresh_from_db()
    donation.refresh_from_db()
    assert donation.status == "succeeded"
    assert appeal.raised_pence == 2500 and appeal.donor_count == 1


@pytest.fixture
def dead_broker(settings):
    """The broker is unreachable: publishing fails fast, as with Redis down."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    reset_broker_connections(app)
    yield app
    app.conf.task_always_eager = True
    app.conf.broker_url = "memory://"
    reset_broker_connections(app)


def _unsent_emails() -> int:
    return EmailMessageLog.objects.exclude(status="sent").count()


@pytest.mark.parametrize("flow", ["signup", "pledge", "donate"])
def test_redis_down_the_request_succeeds_and_the_email_follows_later(
    client, appeal, dead_broker, stripe_double, flow, django_capture_on_commit_callbacks
):
    stamp = antispam_timestamp(time.time() - 30)
    posts = {
        "signup": ("/signup/", {"email": "new@example.org", "consent": "on"}),
        "pledge": (
            f"/pledge/{appeal.slug}/",
            {
                "amount": "25",
                "when": "date",
                "due_date": (timezone.localdate() + datetime.timedelta(days=10)),
                "first_name": "Pat",
                "email": "pat@example.org",
                "consent": "on",
            },
        ),
        "donate": (f"/donate/{appeal.slug}/", form_data()),
    }
    url, data = posts[flow]
    data = {**data, "form_ts": stamp, "website": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code in (200, 302, 303), response.content[:500]
    if flow == "donate":
        assert Donation.objects.count() == 1  # the gift is stored, checkout opened
        donation = Donation.objects.get()
        stripe_double.pay(donation.checkout_session_id)  # paid while Redis is down
        # The event is stored (Stripe got its 200) and waits for a worker.
        assert StripeEvent.objects.filter(processed_at__isnull=True).exists()
    else:
        assert _unsent_emails() >= 1  # in the outbox, not lost

    # Redis comes back; the beat's outbox sweep sends what waited.
    from supporters.tasks import email_outbox_sweep

    dead_broker.conf.task_always_eager = True
    EmailMessageLog.objects.update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    StripeEvent.objects.update(received_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        stripe_events_sweep()
        email_outbox_sweep.delay()
    assert EmailMessageLog.objects.filter(status="sent").exists()
    assert _unsent_emails() == 0
    if flow == "donate":
        assert EmailMessageLog.objects.filter(template="donation_receipt").count() == 1
