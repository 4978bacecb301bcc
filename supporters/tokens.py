"""Signed links: confirm, preferences, unsubscribe, data copy, erasure, pledges.

Interface:
    token_make(purpose, payload: dict) -> str
        URL-safe, signed with SECRET_KEY and a salt per purpose, timestamped.
    token_read(token, purpose) -> dict
        Checks signature and age; raises TokenInvalid / TokenExpired.
    token_use(token, purpose) -> dict
        token_read, then records the use in the database (UsedToken, unique by
        hash) so it works once only; raises TokenUsed on the second use. Call it
        inside the transaction that does the work, so a failed action does not
        burn the link.
    register_purpose(name, *, max_age: timedelta | None)
        Other apps add their own purposes (fundraising: "pledge-give").

A token made for one purpose is refused for any other (different salt), so an
unsubscribe link cannot be replayed as an erasure confirmation.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core import signing
from django.db import IntegrityError, transaction

from .models import UsedToken


class TokenError(Exception):
    """Base class: the link cannot be used. ``message`` is safe to show."""

    message = "This link is not valid."


class TokenInvalid(TokenError):
    message = "This link is not valid. Please check you copied all of it."


class TokenExpired(TokenError):
    message = "This link has expired. Please ask for a new one."


class TokenUsed(TokenError):
    message = "This link has already been used."


_PURPOSES: dict[str, datetime.timedelta | None] = {}


def register_purpose(name: str, *, max_age: datetime.timedelta | None) -> str:
    _PURPOSES[name] = max_age
    return name


CONFIRM = register_purpose("confirm", max_age=datetime.timedelta(days=7))
PREFERENCES = register_purpose("preferences", max_age=datetime.timedelta(days=365))
# Unsubscribe links in old emails must keep working (RFC 8058 and the law).
UNSUBSCRIBE = register_purpose("unsubscribe", max_age=None)
EXPORT_REQUEST = register_purpose("export", max_age=datetime.timedelta(days=7))
EXPORT_DOWNLOAD = register_purpose("download", max_age=datetime.timedelta(days=7))
ERASE = register_purpose("erase", max_age=datetime.timedelta(days=7))


def _salt(purpose: str) -> str:
    if purpose not in _PURPOSES:
        raise ValueError(f"Unknown token purpose {purpose!r}")
    return f"supporters.tokens.{purpose}"


def token_make(purpose: str, payload: dict) -> str:
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def token_read(token: str, purpose: str) -> dict:
    max_age = _PURPOSES.get(purpose)
    salt = _salt(purpose)
    if not isinstance(token, str) or len(token) > 2000:
        raise TokenInvalid
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
    if not isinstance(payload, dict):
        raise TokenInvalid
    return payload


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_use(token: str, purpose: str) -> dict:
    payload = token_read(token, purpose)
    try:
        with transaction.atomic():
            UsedToken.objects.create(token_hash=token_hash(token), purpose=purpose)
    except IntegrityError as error:
        raise TokenUsed from error
    return payload


def token_is_used(token: str) -> bool:
    return UsedToken.objects.filter(token_hash=token_hash(token)).exists()


def used_tokens_prune(*, now) -> int:
    """Forget used-token records once the token would have expired anyway."""
    removed = 0
    for purpose, max_age in _PURPOSES.items():
        if max_age is None:
            continue  # a never-expiring single-use token stays remembered
        count, _ = UsedToken.objects.filter(
            purpose=purpose, used_at__lt=now - max_age - datetime.timedelta(days=1)
        ).delete()
        removed += count
    return removed
