"""One provider call for one batch, and what its outcome means.

Interface:
    Recipient(delivery_id, supporter_id, email, first_name, last_name)
    batch_send(*, mailing, compiled, recipients, extra_metadata=None) -> BatchResult
    BatchResult.per_recipient: {email: RecipientOutcome(status, message_id, error)}
    BatchResult.outcome: "done" | "retry" | "uncertain" | "refused"

With an anymail backend, a batch is ONE API call: ``to`` lists every
recipient and ``merge_data`` carries each one's personalised subject, HTML,
text, name and links; anymail turns that into the provider's batch API (for
Postmark, /email/batchWithTemplates, one message per recipient, nobody sees
anyone else's address). The provider needs a pass-through stored template
(MAILINGS_ESP_TEMPLATE; see README): the content is rendered here, once, so
the preview is exactly what is sent and merge fields are checked by us, not
by each provider's template language. anymail does not split batches, so
batches are never larger than MAILINGS_BATCH_SIZE (the provider's limit).
``merge_headers`` gives each recipient their own RFC 8058 List-Unsubscribe.

With any other backend (files under var/mail/, SMTP sink, locmem in tests),
each recipient gets their own message over one connection, so the demo shows
exactly what each person would receive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import requests
from anymail.backends.base import AnymailBaseBackend
from anymail.backends.base_requests import AnymailRequestsBackend
from anymail.exceptions import AnymailAPIError, AnymailError
from anymail.message import AnymailMessage
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from .compose import Compiled, recipient_values


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    supporter_id: int
    email: str
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class RecipientOutcome:
    status: str  # "sent" | "failed" | "uncertain"
    message_id: str = ""
    error: str = ""


@dataclass
class BatchResult:
    outcome: str  # "done" | "retry" | "uncertain" | "refused"
    per_recipient: dict[str, RecipientOutcome] = field(default_factory=dict)
    error: str = ""


def _headers(values: dict) -> dict:
    return {
        "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _classify(error: Exception) -> str:
    """What an exception from the provider call tells us about the batch.

    "retry":     the provider certainly did not take the batch (we never
                 reached it, or it said "slow down"/"unavailable"): send again.
    "refused":   it answered no to the whole batch (bad key, bad sender):
                 sending again will not help; staff must act.
    "uncertain": the request may have been taken (timeout while waiting for
                 the answer, connection dropped, a 5xx in the middle). We do
                 NOT send again: see sending.py for the trade-off.
    """
    if isinstance(error, requests.ConnectTimeout):
        return "retry"
    if isinstance(error, requests.ConnectionError) and "NewConnectionError" in repr(
        error
    ):
        return "retry"  # the TCP connection was never made
    status = getattr(error, "status_code", None)
    if status in (429, 503):
        return "retry"
    if status is not None and 400 <= status < 500:
        return "refused"
    if (
        isinstance(error, AnymailError)
        and status is None
        and not isinstance(error, requests.RequestException)
    ):
        return "refused"  # anymail refused before calling (unsupported feature...)
    return "uncertain"


def _personalised(compiled: Compiled, recipient: Recipient):
    """(values, subject, html, text) for one recipient."""
    values = recipient_values(
        supporter_id=recipient.supporter_id,
        first_name=recipient.first_name,
        last_name=recipient.last_name,
    )
    return values, *compiled.personalise(values)


def _anymail_batch(backend, mailing, compiled: Compiled, recipients, extra_metadata):
    merge_data, merge_headers, merge_metadata = {}, {}, {}
    for recipient in recipients:
        values, subject, html, text = _personalised(compiled, recipient)
        merge_data[recipient.email] = {
            **values,
            "subject": subject,
            "html_body": html,
            "text_body": text,
        }
        merge_headers[recipient.email] = _headers(values)
        merge_metadata[recipient.email] = {
            "mailing_delivery": str(recipient.delivery_id)
        }
    message = AnymailMessage(
        from_email=compiled.from_email,
        to=[r.email for r in recipients],
        reply_to=list(settings.EMAIL_REPLY_TO),
        template_id=settings.MAILINGS_ESP_TEMPLATE,
        merge_data=merge_data,
        merge_headers=merge_headers,
        merge_metadata=merge_metadata,
        metadata={"mailing": str(mailing.pk), **(extra_metadata or {})},
        tags=["mailing"],
        track_opens=settings.MAILINGS_TRACK_AGGREGATE,
        track_clicks=settings.MAILINGS_TRACK_AGGREGATE,
    )
    backend.send_messages([message])
    statuses = message.anymail_status.recipients
    result = {}
    for recipient in recipients:
        status = statuses.get(recipient.email)
        if status is None or status.status == "unknown":
            result[recipient.email] = RecipientOutcome(
                "uncertain", error="The provider did not report this recipient"
            )
        elif status.status in ("sent", "queued"):
            result[recipient.email] = RecipientOutcome(
                "sent",
                message_id="" if status.message_id is None else str(status.message_id),
            )
        else:
            result[recipient.email] = RecipientOutcome(
                "failed", error=f"Provider {status.status} this recipient"
            )
    return result


def _plain_batch(backend, compiled: Compiled, recipients):
    messages = []
    for recipient in recipients:
        values, subject, html, text = _personalised(compiled, recipient)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=compiled.from_email,
            to=[recipient.email],
            reply_to=list(settings.EMAIL_REPLY_TO),
            headers=_headers(values),
        )
        message.attach_alternative(html, "text/html")
        messages.append(message)
    backend.send_messages(messages)
    return {
        m.to[0]: RecipientOutcome(
            "sent", message_id=str(m.extra_headers.get("Message-ID", ""))
        )
        for m in messages
    }


_backends: dict[str, object] = {}


def _backend():
    """One open connection per worker process, reused batch after batch (a new
    HTTPS session per batch costs more than the batch). Keyed by the mailer
    settings, so a changed setting gets a fresh backend."""
    key = repr(settings.MAILERS.get("default"))
    backend = _backends.get(key)
    if backend is None:
        _backends.clear()
        backend = mail.mailers["default"]
        if isinstance(backend, AnymailRequestsBackend):
            backend.open()
        _backends[key] = backend
    return backend


def batch_send(
    *, mailing, compiled: Compiled, recipients: list[Recipient], extra_metadata=None
) -> BatchResult:
    backend = _backend()
    try:
        if isinstance(backend, AnymailBaseBackend):
            per = _anymail_batch(backend, mailing, compiled, recipients, extra_metadata)
        else:
            per = _plain_batch(backend, compiled, recipients)
    except (AnymailAPIError, AnymailError, requests.RequestException, OSError) as error:
        return BatchResult(
            _classify(error), error=f"{type(error).__name__}: {error}"[:255]
        )
    return BatchResult("done", per_recipient=per)
