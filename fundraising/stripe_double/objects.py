"""Stripe-shaped objects for the offline double: Stripe's own examples
(``fixtures/fixtures3.json``, MIT-licensed, see ``fixtures/LICENSE``) with the
fields a request sets written over them, ids, errors and webhook signatures."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fixtures3.json"
API_VERSION = "2026-08-27.basil"


class StripeError(Exception):
    """An API error as Stripe reports it: HTTP status, type, message, param."""

    def __init__(
        self, message, *, param=None, status=400, kind="invalid_request_error"
    ):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": kind, "message": message, "param": param}}
        if status == 404:
            self.body["error"]["code"] = "resource_missing"


@cache
def _fixtures() -> dict:
    return json.loads(FIXTURES.read_text())["resources"]


def fixture(kind: str, **fields) -> dict:
    """Stripe's example object of ``kind`` with ``fields`` written over it."""
    return {**copy.deepcopy(_fixtures()[kind]), **fields}


def new_id(prefix: str) -> str:
    return (
        f"{prefix}_test_{secrets.token_urlsafe(18).replace('-', 'a').replace('_', 'b')}"
    )


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Stripe's webhook signature header: ``t=<unix>,v1=<HMAC-SHA256>``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def public(obj: dict) -> dict:
    """The object as the API shows it (without the double's private fields)."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}
