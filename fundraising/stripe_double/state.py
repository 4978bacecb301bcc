"""The in-memory Stripe account behind the offline double.

Objects start as copies of Stripe's own example objects (``fixtures3.json``,
MIT-licensed, see ``fixtures/LICENSE``) with the fields a request or an action
sets written over them, so the SDK and the app see realistic shapes. Every
state change that Stripe would announce becomes an ``event`` that the double
signs and delivers like Stripe does.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import threading
import time
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fixtures3.json"
API_VERSION = "2026-08-27.basil"
CHECKOUT_PARAMS = {
    "mode",
    "success_url",
    "cancel_url",
    "line_items",
    "metadata",
    "customer_email",
    "customer",
    "client_reference_id",
    "payment_intent_data",
    "subscription_data",
    "submit_type",
    "locale",
    "expires_at",
    "customer_creation",
    "payment_method_types",
    "billing_address_collection",
    "expand",
}


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


def _positive_int(value, param: str, *, maximum: int = 99_999_999) -> int:
    if (
        not isinstance(value, str)
        or not value.isdigit()
        or not 0 < int(value) <= maximum
    ):
        raise StripeError(f"Invalid positive integer: {value!r}", param=param)
    return int(value)


def _absolute_url(value, param: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise StripeError(f"Not a valid URL: {value!r}", param=param)
    return value


def _metadata(value, param: str, *, required: bool = False) -> dict:
    if value in (None, ""):
        if required:
            raise StripeError("metadata is required by this project", param=param)
        return {}
    if not isinstance(value, dict) or len(value) > 50:
        raise StripeError("Invalid metadata", param=param)
    for key, item in value.items():
        if len(key) > 40 or not isinstance(item, str) or len(item) > 500:
            raise StripeError(f"Invalid metadata entry {key!r}", param=param)
    return value


def validate_checkout(params: dict) -> dict:
    """Check a Checkout Session create request as Stripe would (and a bit more:
    this project always sends metadata). Returns the normalised line item."""
    unknown = set(params) - CHECKOUT_PARAMS
    if unknown:
        name = sorted(unknown)[0]
        raise StripeError(f"Received unknown parameter: {name}", param=name)
    mode = params.get("mode")
    if mode not in {"payment", "subscription"}:
        raise StripeError(f"Invalid mode: {mode!r}", param="mode")
    _absolute_url(params.get("success_url"), "success_url")
    _absolute_url(params.get("cancel_url"), "cancel_url")
    _metadata(params.get("metadata"), "metadata", required=True)
    items = params.get("line_items")
    if not isinstance(items, list) or len(items) != 1:
        raise StripeError("line_items must hold exactly one item", param="line_items")
    item = items[0]
    quantity = _positive_int(item.get("quantity"), "line_items[0][quantity]")
    price = item.get("price_data")
    if not isinstance(price, dict):
        raise StripeError("price_data is required", param="line_items[0][price_data]")
    amount = _positive_int(
        price.get("unit_amount"), "line_items[0][price_data][unit_amount]"
    )
    currency = price.get("currency", "")
    if len(currency) != 3 or not currency.isalpha() or currency != currency.lower():
        raise StripeError(
            "Invalid currency", param="line_items[0][price_data][currency]"
        )
    if not (price.get("product_data") or {}).get("name"):
        raise StripeError(
            "product_data[name] is required",
            param="line_items[0][price_data][product_data][name]",
        )
    recurring = price.get("recurring")
    if mode == "subscription":
        if not isinstance(recurring, dict) or recurring.get("interval") not in {
            "day",
            "week",
            "month",
            "year",
        }:
            raise StripeError(
                "Subscription mode needs a recurring price",
                param="line_items[0][price_data][recurring][interval]",
            )
        if "payment_intent_data" in params:
            raise StripeError(
                "payment_intent_data is only for payment mode",
                param="payment_intent_data",
            )
    else:
        if recurring:
            raise StripeError(
                "A recurring price needs subscription mode",
                param="line_items[0][price_data][recurring]",
            )
        if "subscription_data" in params:
            raise StripeError(
                "subscription_data is only for subscription mode",
                param="subscription_data",
            )
    for nested in ("payment_intent_data", "subscription_data"):
        _metadata((params.get(nested) or {}).get("metadata"), f"{nested}[metadata]")
    return {
        "amount": amount * quantity,
        "currency": currency,
        "name": price["product_data"]["name"],
        "interval": (recurring or {}).get("interval"),
    }


class StripeState:
    """Everything the double knows; every method is safe across threads."""

    def __init__(self, *, webhook_secret: str, base_url: str = ""):
        self.webhook_secret = webhook_secret
        self.base_url = base_url
        self.lock = threading.RLock()
        self.objects: dict[str, dict] = {}
        self.events: list[dict] = []
        self.idempotency: dict[str, tuple[str, int, dict]] = {}
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, params)
        self.clock_offset = 0

    # --- helpers ---------------------------------------------------------------

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def get(self, object_id: str, kind: str | None = None) -> dict:
        obj = self.objects.get(object_id)
        if obj is None or (kind and obj["object"] != kind):
            raise StripeError(f"No such {kind or 'object'}: '{object_id}'", status=404)
        return obj

    def _store(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        return obj

    def _event(self, kind: str, obj: dict) -> dict:
        event = fixture(
            "event",
            id=new_id("evt"),
            api_version=API_VERSION,
            created=self.now(),
            data={"object": copy.deepcopy(obj)},
            livemode=False,
            pending_webhooks=1,
            request={"id": None, "idempotency_key": None},
            type=kind,
        )
        self.events.append(event)
        return event

    # --- API: checkout sessions -----------------------------------------------

    def checkout_create(self, params: dict, idempotency_key: str | None) -> dict:
        with self.lock:
            item = validate_checkout(params)
            session_id = new_id("cs")
            mode = params["mode"]
            return self._store(
                fixture(
                    "checkout.session",
                    id=session_id,
                    object="checkout.session",
                    mode=mode,
                    status="open",
                    payment_status="unpaid",
                    amount_subtotal=item["amount"],
                    amount_total=item["amount"],
                    currency=item["currency"],
                    metadata=params["metadata"],
                    client_reference_id=params.get("client_reference_id"),
                    customer_email=params.get("customer_email"),
                    customer=params.get("customer"),
                    success_url=params["success_url"],
                    cancel_url=params["cancel_url"],
                    url=f"{self.base_url}/checkout/pay/{session_id}",
                    created=self.now(),
                    expires_at=self.now() + 24 * 3600,
                    livemode=False,
                    payment_intent=None,
                    subscription=None,
                    invoice=None,
                    _line_item=item,
                    _payment_intent_data=params.get("payment_intent_data") or {},
                    _subscription_data=params.get("subscription_data") or {},
                )
            )

    def checkout_expire(self, session_id: str) -> dict:
        with self.lock:
            session = self.get(session_id, "checkout.session")
            if session["status"] != "open":
                raise StripeError(
                    "Only open sessions can be expired; this one is "
                    + session["status"]
                )
            session["status"] = "expired"
            self._event("checkout.session.expired", public(session))
            return session

    def portal_create(self, params: dict) -> dict:
        with self.lock:
            customer = self.get(params.get("customer") or "", "customer")
            return_url = _absolute_url(params.get("return_url"), "return_url")
            portal_id = new_id("bps")
            return self._store(
                fixture(
                    "billing_portal.session",
                    id=portal_id,
                    customer=customer["id"],
                    return_url=return_url,
                    url=f"{self.base_url}/portal/{portal_id}",
                    created=self.now(),
                    livemode=False,
                )
            )

    def listing(self, kind: str, params: dict) -> dict:
        """Newest first, ``created[gte]``, ``type`` and cursor paging."""
        with self.lock:
            if kind == "event":
                source = list(self.events)
            else:
                source = [o for o in self.objects.values() if o["object"] == kind]
        # Newest first; among equal timestamps, the later-recorded first.
        ordered = sorted(enumerate(source), key=lambda p: (p[1]["created"], p[0]))
        stable = [obj for _, obj in reversed(ordered)]
        created = params.get("created") or {}
        if isinstance(created, dict) and "gte" in created:
            stable = [o for o in stable if o["created"] >= int(created["gte"])]
        if params.get("type"):
            stable = [o for o in stable if o["type"] == params["type"]]
        if after := params.get("starting_after"):
            ids = [o["id"] for o in stable]
            stable = stable[ids.index(after) + 1 :] if after in ids else []
        limit = min(int(params.get("limit") or 10), 100)
        return {
            "object": "list",
            "data": [public(o) for o in stable[:limit]],
            "has_more": len(stable) > limit,
            "url": f"/v1/{'events' if kind == 'event' else 'checkout/sessions'}",
        }

    # --- actions a payer (or a test) takes --------------------------------------

    def _customer(self, session: dict) -> dict:
        if session.get("customer"):
            return self.get(session["customer"], "customer")
        return self._store(
            fixture(
                "customer",
                id=new_id("cus"),
                email=session.get("customer_email"),
                created=self.now(),
                livemode=False,
                metadata={},
            )
        )

    def _payment(self, *, amount, currency, customer, metadata, status="succeeded"):
        """A PaymentIntent and (when it went through) its Charge."""
        intent = self._store(
            fixture(
                "payment_intent",
                id=new_id("pi"),
                amount=amount,
                amount_received=amount if status == "succeeded" else 0,
                currency=currency,
                customer=customer,
                metadata=dict(metadata),
                status=status,
                created=self.now(),
                livemode=False,
                latest_charge=None,
            )
        )
        if status == "succeeded":
            charge = self._store(
                fixture(
                    "charge",
                    id=new_id("ch"),
                    amount=amount,
                    amount_captured=amount,
                    amount_refunded=0,
                    refunded=False,
                    disputed=False,
                    captured=True,
                    paid=True,
                    status="succeeded",
                    currency=currency,
                    customer=customer,
                    payment_intent=intent["id"],
                    metadata=dict(metadata),
                    created=self.now(),
                    livemode=False,
                )
            )
            intent["latest_charge"] = charge["id"]
        return intent

    def _invoice(self, subscription: dict, *, reason: str, paid: bool) -> dict:
        amount = subscription["_amount"]
        intent = self._payment(
            amount=amount,
            currency=subscription["currency"],
            customer=subscription["customer"],
            metadata={},
            status="succeeded" if paid else "requires_payment_method",
        )
        invoice = self._store(
            fixture(
                "invoice",
                id=new_id("in"),
                billing_reason=reason,
                status="paid" if paid else "open",
                amount_due=amount,
                amount_paid=amount if paid else 0,
                amount_remaining=0 if paid else amount,
                attempt_count=1,
                attempted=True,
                currency=subscription["currency"],
                customer=subscription["customer"],
                customer_email=self.get(subscription["customer"])["email"],
                subscription=subscription["id"],
                payment_intent=intent["id"],
                charge=intent["latest_charge"],
                subscription_details={"metadata": dict(subscription["metadata"])},
                parent={
                    "type": "subscription_details",
                    "quote_details": None,
                    "subscription_details": {
                        "metadata": dict(subscription["metadata"]),
                        "subscription": subscription["id"],
                    },
                },
                total=amount,
                subtotal=amount,
                created=self.now(),
                livemode=False,
                metadata={},
            )
        )
        invoice["lines"]["data"] = []
        subscription["latest_invoice"] = invoice["id"]
        return invoice

    def checkout_pay(self, session_id: str, outcome: str = "complete") -> dict:
        """The payer finishes the hosted page: ``complete`` (card accepted),
        ``decline`` (card refused; the session stays open) or ``delay`` (a
        bank payment that settles later: see ``async_settle``)."""
        with self.lock:
            session = self.get(session_id, "checkout.session")
            if session["status"] != "open":
                raise StripeError(f"This session is {session['status']}")
            item = session["_line_item"]
            if outcome == "decline":
                intent = self._payment(
                    amount=item["amount"],
                    currency=item["currency"],
                    customer=session.get("customer"),
                    metadata=session["_payment_intent_data"].get("metadata") or {},
                    status="requires_payment_method",
                )
                self._event("payment_intent.payment_failed", intent)
                return session
            customer = self._customer(session)
            session["customer"] = customer["id"]
            session["customer_details"]["email"] = session.get("customer_email")
            session["status"] = "complete"
            if session["mode"] == "subscription":
                subscription = self._store(
                    fixture(
                        "subscription",
                        id=new_id("sub"),
                        customer=customer["id"],
                        currency=item["currency"],
                        metadata=dict(
                            session["_subscription_data"].get("metadata") or {}
                        ),
                        status="active",
                        created=self.now(),
                        start_date=self.now(),
                        livemode=False,
                        _amount=item["amount"],
                    )
                )
                invoice = self._invoice(
                    subscription, reason="subscription_create", paid=True
                )
                session.update(
                    subscription=subscription["id"],
                    invoice=invoice["id"],
                    payment_status="paid",
                )
                self._event("customer.subscription.created", public(subscription))
                self._event("invoice.paid", public(invoice))
            else:
                intent = self._payment(
                    amount=item["amount"],
                    currency=item["currency"],
                    customer=customer["id"],
                    metadata=session["_payment_intent_data"].get("metadata") or {},
                    status="processing" if outcome == "delay" else "succeeded",
                )
                session["payment_intent"] = intent["id"]
                session["payment_status"] = "unpaid" if outcome == "delay" else "paid"
                if outcome != "delay":
                    self._event("charge.succeeded", self.get(intent["latest_charge"]))
            self._event("checkout.session.completed", public(session))
            return session

    def async_settle(self, session_id: str, *, succeeded: bool) -> dict:
        with self.lock:
            session = self.get(session_id, "checkout.session")
            intent = self.get(session.get("payment_intent") or "", "payment_intent")
            if intent["status"] != "processing":
                raise StripeError("This payment is not waiting to settle")
            if succeeded:
                settled = self._payment(
                    amount=intent["amount"],
                    currency=intent["currency"],
                    customer=intent["customer"],
                    metadata=intent["metadata"],
                )
                # Keep the session's PaymentIntent id: move the charge onto it.
                charge = self.get(settled["latest_charge"])
                charge["payment_intent"] = intent["id"]
                intent.update(status="succeeded", latest_charge=charge["id"])
                self.objects.pop(settled["id"])
                session["payment_status"] = "paid"
                self._event("checkout.session.async_payment_succeeded", public(session))
            else:
                intent["status"] = "requires_payment_method"
                self._event("checkout.session.async_payment_failed", public(session))
            return session

    def subscription_renew(self, subscription_id: str, *, paid: bool = True) -> dict:
        with self.lock:
            subscription = self.get(subscription_id, "subscription")
            if subscription["status"] == "canceled":
                raise StripeError("This subscription has ended")
            invoice = self._invoice(
                subscription, reason="subscription_cycle", paid=paid
            )
            self._event(
                "invoice.paid" if paid else "invoice.payment_failed", public(invoice)
            )
            return invoice

    def subscription_cancel(self, subscription_id: str) -> dict:
        with self.lock:
            subscription = self.get(subscription_id, "subscription")
            subscription.update(
                status="canceled", canceled_at=self.now(), ended_at=self.now()
            )
            self._event("customer.subscription.deleted", public(subscription))
            return subscription

    def charge_refund(self, charge_id: str, amount: int | None = None) -> dict:
        with self.lock:
            charge = self.get(charge_id, "charge")
            left = charge["amount"] - charge["amount_refunded"]
            amount = left if amount is None else amount
            if not 0 < amount <= left:
                raise StripeError(f"Refund amount must be between 1 and {left}")
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            self._event("charge.refunded", charge)
            return charge

    def charge_dispute(self, charge_id: str) -> dict:
        with self.lock:
            charge = self.get(charge_id, "charge")
            charge["disputed"] = True
            dispute = self._store(
                fixture(
                    "dispute",
                    id=new_id("dp"),
                    amount=charge["amount"],
                    currency=charge["currency"],
                    charge=charge["id"],
                    payment_intent=charge["payment_intent"],
                    status="needs_response",
                    created=self.now(),
                    livemode=False,
                    metadata={},
                )
            )
            self._event("charge.dispute.created", dispute)
            return dispute

    def dispute_close(self, dispute_id: str, *, won: bool) -> dict:
        with self.lock:
            dispute = self.get(dispute_id, "dispute")
            dispute["status"] = "won" if won else "lost"
            self._event("charge.dispute.closed", dispute)
            return dispute


def public(obj: dict) -> dict:
    """The object as the API shows it (without the double's private fields)."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}
