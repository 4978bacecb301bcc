"""The Stripe gateway: the ONLY module that imports ``stripe``.

Everything else in the project calls these functions, which take and return
plain dicts and raise this module's own exceptions, so a change of SDK (or of
payment provider) stays in this one file.

With ``STRIPE_API_BASE`` set (the offline double, see ``stripe_double``), the
SDK talks to that host instead of Stripe, but never with live keys.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300
LIVE_KEY_PREFIXES = ("sk_live_", "rk_live_")


class GatewayError(Exception):
    """Stripe could not be reached or refused the request."""


class GatewayNotConfigured(GatewayError):
    """No Stripe keys: card donations are switched off."""


class WebhookSignatureInvalid(Exception):
    """Missing, wrong or stale ``Stripe-Signature``."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def is_live() -> bool:
    return settings.STRIPE_SECRET_KEY.startswith(LIVE_KEY_PREFIXES)


def api_base() -> str | None:
    """The double's address, if one is configured and the keys are test keys."""
    if settings.STRIPE_API_BASE and not is_live():
        return settings.STRIPE_API_BASE
    return None


def is_test_mode() -> bool:
    """Shown as "test mode" on every page: no real money can move."""
    return is_configured() and not is_live()


def _client() -> stripe.StripeClient:
    if not is_configured():
        raise GatewayNotConfigured("Stripe keys are not set")
    base = api_base()
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=2,  # the SDK retries with backoff and idempotency keys
        # A donor waits on these calls: give up in seconds, not the SDK's 80.
        http_client=stripe.new_default_http_client(
            timeout=settings.STRIPE_TIMEOUT_SECONDS
        ),
    )


def _plain(obj) -> dict:
    """A plain JSON-able dict (the SDK turns *_decimal strings into Decimal;
    Stripe's JSON has them as strings, so they go back to strings)."""
    return json.loads(json.dumps(obj.to_dict(), default=str))


def _call(what: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return None
        logger.warning("Stripe refused %s: %s", what, error.user_message)
        raise GatewayError(error.user_message or str(error)) from error
    except stripe.StripeError as error:
        logger.warning("Stripe %s failed: %s", what, error.__class__.__name__)
        raise GatewayError(str(error)) from error


# --- Checkout -------------------------------------------------------------------


def checkout_session_create(*, params: dict, idempotency_key: str) -> dict:
    """Create a Checkout Session; the same key returns the same session."""
    client = _client()
    session = _call(
        "checkout session create",
        client.v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )
    if session is None:
        raise GatewayError("Stripe did not create a checkout session")
    return _plain(session)


def checkout_session_retrieve(session_id: str) -> dict | None:
    """The session, or None if Stripe has no such session."""
    if not session_id.startswith("cs_") or len(session_id) > 255:
        return None
    session = _call(
        "checkout session retrieve",
        _client().v1.checkout.sessions.retrieve,
        session_id,
    )
    return _plain(session) if session is not None else None


def checkout_session_expire(session_id: str) -> dict | None:
    session = _call(
        "checkout session expire", _client().v1.checkout.sessions.expire, session_id
    )
    return _plain(session) if session is not None else None


def subscription_cancel(subscription_id: str) -> dict | None:
    """Stop a monthly gift now (no further charges). Safe to repeat: an
    already cancelled subscription is returned as it is; None if Stripe has
    no such subscription."""
    client = _client()
    current = _call(
        "subscription retrieve", client.v1.subscriptions.retrieve, subscription_id
    )
    if current is None or current.status == "canceled":
        return _plain(current) if current is not None else None
    cancelled = _call(
        "subscription cancel", client.v1.subscriptions.cancel, subscription_id
    )
    return _plain(cancelled) if cancelled is not None else None


def billing_portal_url(*, customer_id: str, return_url: str) -> str:
    """A short-lived link where a monthly donor updates their card or stops."""
    portal = _call(
        "billing portal session",
        _client().v1.billing_portal.sessions.create,
        params={"customer": customer_id, "return_url": return_url},
    )
    if portal is None:
        raise GatewayError("Stripe has no such customer")
    return portal.url


def _paged(what: str, service, params: dict) -> Iterator[dict]:
    page = _call(what, service.list, params=params)
    if page is None:
        return
    try:
        for obj in page.auto_paging_iter():
            yield _plain(obj)
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error


def events_list(*, created_gte: int) -> Iterator[dict]:
    """Recent events, newest first (Stripe keeps 30 days)."""
    params = {"created": {"gte": created_gte}, "limit": 100}
    return _paged("events list", _client().v1.events, params)


def checkout_sessions_list(*, created_gte: int) -> Iterator[dict]:
    params = {"created": {"gte": created_gte}, "limit": 100}
    return _paged("checkout sessions list", _client().v1.checkout.sessions, params)


# --- Webhooks -------------------------------------------------------------------


def webhook_verify(*, payload: bytes, signature: str | None) -> None:
    """Check ``Stripe-Signature`` with the SDK (HMAC-SHA256, 300 s tolerance)."""
    try:
        stripe.WebhookSignature.verify_header(
            payload,
            signature,
            settings.STRIPE_WEBHOOK_SECRET,
            WEBHOOK_TOLERANCE_SECONDS,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
        raise WebhookSignatureInvalid(str(error)) from error
