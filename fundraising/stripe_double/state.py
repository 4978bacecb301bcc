"""The in-memory Stripe account behind the offline double.

Every state change that Stripe would announce becomes an ``event`` that the
double signs and delivers like Stripe does.
"""

from __future__ import annotations

import copy
import threading
import time

from .objects import API_VERSION, StripeError, fixture, new_id, public, sign
from .validation import absolute_url, validate_checkout

__all__ = ["StripeError", "StripeState", "fixture", "public", "sign"]


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
            return_url = absolute_url(params.get("return_url"), "return_url")
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
            if subscription["status"] == "canceled":
                raise StripeError(
                    "A canceled subscription can only update its metadata"
                )
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
