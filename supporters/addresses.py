"""Email addresses: normalise, validate, hash and mask.

Interface:
    email_normalise(raw) -> str        strip, lower-case; raises ValidationError
    email_hash(raw) -> str             sha256 hex of the normalised address
    email_mask(raw) -> str             "j***@e***.org" for logs
    text_clean(value, *, field, max_length) -> str   refuses CR/LF/control chars

One address is one person however it is typed: ``Jo@Example.ORG`` and
``jo@example.org`` are the same supporter. The whole address is lower-cased
(local parts are case-insensitive at every provider that matters), and
internationalised domains are kept in their Unicode form (Django converts them
to IDNA when sending); non-ASCII local parts are refused with a clear message,
because most providers cannot deliver them (no SMTPUTF8).
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit
_validate = EmailValidator(message="Enter a valid email address.")
# Unchanging on purpose: the hash must still match after SECRET_KEY rotation,
# so that an erased address stays suppressed for ever.
_HASH_PREFIX = b"campaign-platform/suppression/v1:"


def email_normalise(raw: str) -> str:
    if not isinstance(raw, str):
        raise ValidationError("Enter a valid email address.", code="invalid")
    email = unicodedata.normalize("NFC", raw.strip()).lower()
    if not email:
        raise ValidationError("Enter an email address.", code="required")
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            f"That email address is too long (at most {EMAIL_MAX_LENGTH} characters).",
            code="max_length",
        )
    if any(unicodedata.category(ch)[0] in {"C", "Z"} for ch in email):
        raise ValidationError("Enter a valid email address.", code="invalid")
    local, _, _domain = email.rpartition("@")
    if local and not local.isascii():
        # Internationalised domains are fine; a non-ASCII part before the @
        # needs SMTPUTF8, which most email providers cannot send to yet.
        raise ValidationError(
            "Sorry, we can't send to addresses with accented or non-Latin letters "
            "before the @ yet. Please use another address.",
            code="unsupported",
        )
    _validate(email)
    return email


def email_hash(raw: str) -> str:
    try:
        email = email_normalise(raw)
    except ValidationError:
        email = str(raw).strip().lower()
    return hashlib.sha256(_HASH_PREFIX + email.encode()).hexdigest()


def email_mask(raw: str | None) -> str:
    """Enough to tell two addresses apart in a log, not enough to read them."""
    if not raw or "@" not in raw:
        return "***"
    local, _, domain = raw.rpartition("@")
    name, dot, tld = domain.rpartition(".")
    masked_domain = f"{name[:1]}***{dot}{tld}" if dot else f"{domain[:1]}***"
    return f"{local[:1]}***@{masked_domain}"


def text_clean(value: str | None, *, field: str, max_length: int) -> str:
    """A single line of text typed by a person: no control characters.

    CR/LF in a name would let someone forge email headers; they are refused,
    not silently stripped, so the person sees what went wrong.
    """
    value = unicodedata.normalize("NFC", (value or "").strip())
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(
            f"The {field} can only contain ordinary characters on one line.",
            code="invalid",
        )
    if len(value) > max_length:
        raise ValidationError(
            f"The {field} is too long (at most {max_length} characters).",
            code="max_length",
        )
    return value
