"""The platform's email service: log/outbox, rendering, headers, failures."""

from __future__ import annotations

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from supporters import emails
from supporters.models import EmailMessageLog, Suppression
from supporters.services import suppression_add
from tests.conftest import reset_broker_connections

from .factories import SupporterFactory

pytestmark = pytest.mark.django_db

CONFIRM_CONTEXT = {"confirm_url": "http://testserver/confirm/abc/"}


def _confirm_email(to):
    return emails.email_enqueue(
        template="confirm_signup", to=to, context=CONFIRM_CONTEXT, kind="transactional"
    )


def _welcome_email(to):
    return emails.email_enqueue(
        template="welcome",
        to=to,
        kind="bulk",
        context={"welcome_subject": "Hi", "welcome_body": "Body"},
    )


def test_transactional_email_is_logged_sent_and_its_body_forgotten(
    anymail_outbox, django_capture_on_commit_callbacks
):
    person = SupporterFactory(first_name="O'Brien")
    with django_capture_on_commit_callbacks(execute=True):
        log = emails.email_enqueue(
            template="confirm_signup",
            to=person,
            context=CONFIRM_CONTEXT,
            kind="transactional",
            tags=["signup"],
            metadata={"topic": "updates"},
        )
    log.refresh_from_db()
    assert log.status == EmailMessageLog.Status.SENT
    assert log.provider_message_id == "0"  # anymail test backend's id
    assert log.context == {}  # no body kept once sent
    [message] = anymail_outbox
    assert message.to == [person.email]
    assert message.subject == "Please confirm your email address"
    assert "O'Brien" in message.body  # plain text is not HTML-escaped
    assert "http://testserver/confirm/abc/" in message.body
    html = message.alternatives[0].content
    assert 'style="' in html  # CSS inlined by css-inline
    assert "<style>" not in html
    assert "List-Unsubscribe" not in message.extra_headers
    params = message.anymail_test_params
    assert params["tags"] == ["signup"]
    assert params["metadata"] == {
        "topic": "updates",
        "email_type": "confirm_signup",
        "email_kind": "transactional",
        "email_log_id": str(log.pk),
    }


def test_from_and_reply_to_come_from_settings(settings, anymail_outbox):
    settings.DEFAULT_FROM_EMAIL = "Defend Pupil Privacy <hello@dpp.example>"
    settings.EMAIL_REPLY_TO = ["team@dpp.example"]
    log = _confirm_email("Someone@Example.org")
    emails.email_send(log_id=log.pk)
    [message] = anymail_outbox
    assert message.from_email == "Defend Pupil Privacy <hello@dpp.example>"
    assert message.reply_to == ["team@dpp.example"]
    assert message.to == ["someone@example.org"]


def test_bulk_email_carries_rfc8058_one_click_unsubscribe_headers(
    anymail_outbox, client
):
    person = SupporterFactory()
    log = _welcome_email(person)
    emails.email_send(log_id=log.pk)
    [message] = anymail_outbox
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(
        "<http://testserver/email/unsubscribe/"
    ) and header.endswith(">")
    # The header's URL really unsubscribes with a cookie-less POST.
    url = header[1:-1].removeprefix("http://testserver")
    assert client.post(url).status_code == 200
    person.refresh_from_db()
    assert Suppression.objects.filter(reason="unsubscribed").exists()


def test_bulk_email_to_a_suppressed_address_is_not_sent(anymail_outbox):
    person = SupporterFactory()
    suppression_add(email=person.email, reason=Suppression.Reason.HARD_BOUNCE)
    log = _welcome_email(person)
    emails.email_send(log_id=log.pk)
    log.refresh_from_db()
    assert log.status == EmailMessageLog.Status.SUPPRESSED
    assert anymail_outbox == []


def test_sending_twice_sends_once(anymail_outbox):
    log = _confirm_email("x@example.org")
    emails.email_send(log_id=log.pk)
    emails.email_send(log_id=log.pk)
    assert len(anymail_outbox) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"template": "no_such_email"}, "No email template"),
        ({"kind": "marketing"}, "kind must be one of"),
        ({"to": "x@example.org", "kind": "bulk"}, "Bulk email goes to a Supporter"),
        ({"context": {"when": datetime.date.today()}}, "JSON serializable"),
    ],
)
def test_enqueue_refuses_bad_arguments_and_writes_nothing(kwargs, message):
    base = {
        "template": "confirm_signup",
        "to": "x@example.org",
        "context": CONFIRM_CONTEXT,
        "kind": "transactional",
    }
    with pytest.raises((ValueError, TypeError), match=message):
        emails.email_enqueue(**{**base, **kwargs})
    assert not EmailMessageLog.objects.exists()


def test_log_lines_mask_the_address(caplog, anymail_outbox):
    caplog.set_level("INFO", logger="supporters.emails")
    log = _confirm_email("private.person@example.org")
    emails.email_send(log_id=log.pk)
    assert "p***@e***.org" in caplog.text
    assert "private.person" not in caplog.text


@pytest.fixture
def dead_broker(settings):
    """This process publishes to a port where no broker listens."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    reset_broker_connections(app)
    yield app
    app.conf.task_always_eager = True
    app.conf.broker_url = "memory://"
    reset_broker_connections(app)


def test_broker_down_at_enqueue_loses_nothing_and_the_sweep_sends_it(
    dead_broker, settings, anymail_outbox, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        log = _confirm_email("kept@example.org")
    assert time.monotonic() - started < 15  # fails fast, does not hang the request
    log.refresh_from_db()
    assert log.status == EmailMessageLog.Status.QUEUED
    assert anymail_outbox == []
    # While the broker is still down the sweep keeps the row and does not raise.
    assert emails.email_outbox_sweep(older_than=datetime.timedelta(0)) == 0

    # The broker is back (eager here); a fresh row is left alone, an old one swept.
    dead_broker.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert emails.email_outbox_sweep() == 0
    EmailMessageLog.objects.filter(pk=log.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    assert emails.email_outbox_sweep() == 1
    log.refresh_from_db()
    assert log.status == EmailMessageLog.Status.SENT
    assert [m.to for m in anymail_outbox] == [["kept@example.org"]]


class _PostmarkDouble(BaseHTTPRequestHandler):
    """A stand-in for Postmark's HTTP API answering from a script of replies."""

    calls: list = []
    replies: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.calls.append(json.loads(self.rfile.read(length)))
        status, body = self.replies.pop(0) if self.replies else (200, None)
        if body is None:
            body = {
                "To": self.calls[-1]["To"],
                "SubmittedAt": "2026-01-01T00:00:00Z",
                "MessageID": "pm-123",
                "ErrorCode": 0,
                "Message": "OK",
            }
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def postmark_double(settings):
    _PostmarkDouble.calls = []
    _PostmarkDouble.replies = []
    server = HTTPServer(("127.0.0.1", 0), _PostmarkDouble)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "anymail.backends.postmark.EmailBackend",
            "OPTIONS": {
                "server_token": "test-token",
                "api_url": f"http://127.0.0.1:{server.server_port}/",
            },
        }
    }
    yield _PostmarkDouble
    server.shutdown()


def test_temporary_provider_failure_is_retried_then_recorded_as_sent(postmark_double):
    postmark_double.replies = [(503, {"ErrorCode": 100, "Message": "Maintenance"})]
    log = _confirm_email("retry@example.org")
    with pytest.raises(emails.TemporaryEmailFailure):
        emails.email_send(log_id=log.pk)
    log.refresh_from_db()
    assert log.status == EmailMessageLog.Status.QUEUED
    assert "503" in log.error
    assert log.context == CONFIRM_CONTEXT  # still there for the retry

    emails.email_send(log_id=log.pk)
    log.refresh_from_db()
    assert (log.status, log.provider_message_id, log.attempts) == ("sent", "pm-123", 2)
    assert len(postmark_double.calls) == 2
    assert postmark_double.calls[1]["To"] == "retry@example.org"


def test_permanent_provider_refusal_marks_the_row_failed(postmark_double):
    postmark_double.replies = [
        (422, {"ErrorCode": 300, "Message": "Invalid 'To' address: 'bad@example.org'."})
    ]
    log = _confirm_email("bad@example.org")
    emails.email_send(log_id=log.pk)
    log.refresh_from_db()
    assert log.status == EmailMessageLog.Status.FAILED
    assert "Recipients" in log.error
    assert log.context == {}
    emails.email_send(log_id=log.pk)  # a failed row is not sent again
    assert len(postmark_double.calls) == 1
