"""Logging helpers: personal data never reaches the logs.

``PersonalDataFilter`` runs on every handler. It masks email addresses
(``j***@example.org``) and anything that looks like a signed token or secret in
the rendered message and in structured ``extra`` fields, so a careless
``logger.info("sent to %s", email)`` cannot leak a supporter's address.
Code should log supporter ids, never names; names cannot be detected reliably,
so fields called ``name``/``first_name``/``last_name`` are masked too.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(
    r"([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})"
)
# Django signed values (payload:signature) and Stripe/provider secrets.
TOKEN = re.compile(
    r"\b(?:(?:sk|rk|whsec|pk)_(?:live|test)_[A-Za-z0-9]+|"
    r"[A-Za-z0-9_\-]{8,}(?::[A-Za-z0-9_\-]{2,})?:[A-Za-z0-9_\-]{20,})\b"
)
SENSITIVE_FIELDS = {
    "email",
    "name",
    "first_name",
    "last_name",
    "full_name",
    "postcode",
    "address",
    "token",
    "password",
    "secret",
}
_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def mask_text(text: str) -> str:
    text = EMAIL.sub(r"\1***@\2", text)
    return TOKEN.sub("[redacted]", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key in _STANDARD_ATTRS:
                continue
            if key.lower() in SENSITIVE_FIELDS:
                setattr(record, key, "[redacted]")
            elif isinstance(value, str):
                setattr(record, key, mask_text(value))
        return True


def sentry_before_send(event, hint):
    """Scrub what Sentry's own scrubber does not know about: emails and tokens
    in messages, exception values and breadcrumbs."""
    if message := event.get("message"):
        event["message"] = mask_text(message)
    if logentry := event.get("logentry"):
        logentry["message"] = mask_text(logentry.get("message") or "")
        logentry["params"] = []
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = mask_text(exception["value"])
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        if crumb.get("message"):
            crumb["message"] = mask_text(crumb["message"])
    event.pop("user", None)
    return event
