"""The offline Stripe double's HTTP side: the API the SDK calls, a stand-in
hosted checkout page and billing portal, and signed webhook delivery.

Start one with ``StripeDouble(webhook_secret=...).start()`` and point the SDK
at ``double.url``. Events are delivered to ``deliver_to``: a webhook URL (the
demo, live-server tests) or a callable ``(payload: bytes, signature: str)``
(in-process tests through Django's test client).
"""

from __future__ import annotations

import html
import json
import re
import threading
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .objects import StripeError, public, sign
from .state import StripeState


def parse_form(body: str) -> dict:
    """Decode Stripe's bracketed form encoding (``a[b][0][c]=1``) into nested
    dicts and lists, the inverse of the SDK's encoder."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


Deliverer = Callable[[bytes, str], int]


class StripeDouble:
    """A running double: ``url``, ``state``, and actions that deliver events."""

    def __init__(
        self,
        *,
        webhook_secret: str = "whsec_double",  # noqa: S107 - a test double
        api_key_prefix: str = "sk_test_",
        deliver_to: str | Deliverer | None = None,
    ):
        self.state = StripeState(webhook_secret=webhook_secret)
        self.api_key_prefix = api_key_prefix
        self.deliver_to = deliver_to
        self.delivered = 0  # index into state.events
        self.deliveries: list[tuple[str, int]] = []  # (event id, HTTP status)
        self._deliver_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ----------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> StripeDouble:
        handler = type("Handler", (_Handler,), {"double": self})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self.state.base_url = f"http://{host}:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        return self.state.base_url

    # --- delivery -------------------------------------------------------------

    def deliver_pending(self) -> list[tuple[str, int]]:
        """Sign and send every event not yet sent, oldest first."""
        sent = []
        with self._deliver_lock:
            while self.delivered < len(self.state.events):
                event = self.state.events[self.delivered]
                self.delivered += 1
                sent.append((event["id"], self.send(event)))
        self.deliveries.extend(sent)
        return sent

    def deliver_if_url(self) -> None:
        """Events caused by an API call (expire, cancel): a webhook URL gets
        them now, as Stripe would shortly. A callable deliverer (the tests')
        is left for the test to call ``deliver_pending()`` in its own thread:
        delivering from this server thread would write through another
        database connection, outside the test's transaction."""
        if isinstance(self.deliver_to, str):
            self.deliver_pending()

    def payload(self, event: dict) -> bytes:
        return json.dumps(event, indent=2).encode()

    def send(self, event: dict, *, payload: bytes | None = None) -> int:
        """Deliver one event (again, if you like: Stripe retries too)."""
        payload = payload or self.payload(event)
        signature = sign(payload, self.state.webhook_secret)
        if self.deliver_to is None:
            return 0
        if callable(self.deliver_to):
            return self.deliver_to(payload, signature)
        request = urllib.request.Request(  # noqa: S310 - loopback app URL
            self.deliver_to,
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _act(self, method: str, *args, **kwargs):
        result = getattr(self.state, method)(*args, **kwargs)
        self.deliver_pending()
        return public(result)

    # --- what payers, banks and Stripe's own schedule do -------------------------

    def pay(self, session_id: str, outcome: str = "complete") -> dict:
        return self._act("checkout_pay", session_id, outcome)

    def settle(self, session_id: str, *, succeeded: bool = True) -> dict:
        return self._act("async_settle", session_id, succeeded=succeeded)

    def renew(self, subscription_id: str, *, paid: bool = True) -> dict:
        return self._act("subscription_renew", subscription_id, paid=paid)

    def cancel(self, subscription_id: str) -> dict:
        return self._act("subscription_cancel", subscription_id)

    def refund(self, charge_id: str, amount: int | None = None) -> dict:
        return self._act("charge_refund", charge_id, amount)

    def dispute(self, charge_id: str) -> dict:
        return self._act("charge_dispute", charge_id)

    def close_dispute(self, dispute_id: str, *, won: bool) -> dict:
        return self._act("dispute_close", dispute_id, won=won)

    def sessions(self) -> list[dict]:
        return [
            o for o in self.state.objects.values() if o["object"] == "checkout.session"
        ]


PAGE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>{title}</title><meta name="viewport" content="width=device-width">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;
padding:0 1rem}}.test{{background:#fde68a;padding:.5rem;font-weight:bold}}
button{{font-size:1rem;margin:.25rem 0;padding:.5rem 1rem;display:block}}</style>
</head><body><p class="test">TEST MODE: offline Stripe double. No real money moves.</p>
<h1>{title}</h1>{body}</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    double: StripeDouble
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet in tests and the demo
        pass

    # --- plumbing ---------------------------------------------------------------

    def _reply(self, status: int, body: bytes, content_type: str, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: dict):
        self._reply(status, json.dumps(obj).encode(), "application/json")

    def _page(self, title: str, body: str, status: int = 200):
        page = PAGE.format(title=html.escape(title), body=body)
        self._reply(status, page.encode(), "text/html; charset=utf-8")

    def _redirect(self, location: str):
        self._reply(303, b"", "text/plain", {"Location": location})

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str):
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/")
        if path.startswith("/v1/"):
            query = method in {"GET", "DELETE"}
            params = parse_form(parts.query if query else self._body())
            try:
                self._json(*self._api(method, path, params))
            except StripeError as error:
                self._json(error.status, error.body)
            return
        form = parse_form(self._body()) if method == "POST" else {}
        try:
            self._hosted(method, path, form)
        except StripeError as error:
            message = html.escape(error.body["error"]["message"])
            self._page("Payment not possible", f"<p>{message}</p>", error.status)

    # --- the API ----------------------------------------------------------------

    def _api(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        state = self.double.state
        auth = self.headers.get("Authorization", "")
        if not auth.startswith(f"Bearer {self.double.api_key_prefix}"):
            raise StripeError(
                "Invalid API key provided", status=401, kind="invalid_request_error"
            )
        with state.lock:
            state.requests.append((method, path, params))
        key = self.headers.get("Idempotency-Key") if method == "POST" else None
        if key:
            fingerprint = json.dumps([path, params], sort_keys=True)
            with state.lock:
                if key in state.idempotency:
                    seen, status, body = state.idempotency[key]
                    if seen != fingerprint:
                        raise StripeError(
                            "Keys for idempotent requests can only be used with the "
                            "same parameters they were first used with.",
                            kind="idempotency_error",
                        )
                    return status, body
                status, body = self._route(method, path, params)
                state.idempotency[key] = (fingerprint, status, body)
                return status, body
        return self._route(method, path, params)

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        state = self.double.state
        segments = path.split("/")[2:]
        match method, segments:
            case "POST", ["checkout", "sessions"]:
                return 200, public(state.checkout_create(params, None))
            case "GET", ["checkout", "sessions"]:
                return 200, state.listing("checkout.session", params)
            case "GET", ["checkout", "sessions", session_id]:
                return 200, public(state.get(session_id, "checkout.session"))
            case "POST", ["checkout", "sessions", session_id, "expire"]:
                result = public(state.checkout_expire(session_id))
                self.double.deliver_if_url()
                return 200, result
            case "POST", ["billing_portal", "sessions"]:
                return 200, public(state.portal_create(params))
            case "GET", ["events"]:
                return 200, state.listing("event", params)
            case "GET", ["events", event_id]:
                with state.lock:
                    found = [e for e in state.events if e["id"] == event_id]
                if not found:
                    raise StripeError(f"No such event: '{event_id}'", status=404)
                return 200, found[0]
            case "GET", [("subscriptions" | "customers" | "charges" | "invoices"), oid]:
                return 200, public(state.get(oid))
            case "DELETE", ["subscriptions", subscription_id]:
                result = public(state.subscription_cancel(subscription_id))
                self.double.deliver_if_url()
                return 200, result
        raise StripeError(f"Unrecognized request URL ({method}: {path})", status=404)

    # --- the hosted pages -------------------------------------------------------

    def _hosted(self, method: str, path: str, form: dict):
        state = self.double.state
        match method, path.split("/")[1:]:
            case "GET", ["checkout", "pay", session_id]:
                return self._checkout_page(state.get(session_id, "checkout.session"))
            case "POST", ["checkout", "pay", session_id]:
                action = form.get("action", "")
                if action in {"complete", "decline", "delay"}:
                    session = self.double.pay(session_id, action)
                elif action in {"settle", "fail"}:
                    session = self.double.settle(
                        session_id, succeeded=action == "settle"
                    )
                else:
                    raise StripeError("Unknown action")
                if action == "decline":
                    return self._checkout_page(session, declined=True)
                url = session["success_url"].replace(
                    "{CHECKOUT_SESSION_ID}", session["id"]
                )
                return self._redirect(url)
            case "GET", ["portal", portal_id]:
                return self._portal_page(state.get(portal_id, "billing_portal.session"))
            case "POST", ["portal", portal_id]:
                portal = state.get(portal_id, "billing_portal.session")
                subscription = state.get(form.get("subscription", ""), "subscription")
                if subscription["customer"] != portal["customer"]:
                    raise StripeError("Not this customer's subscription", status=403)
                self.double.cancel(subscription["id"])
                return self._redirect(portal["return_url"])
        raise StripeError("Page not found", status=404)

    def _checkout_page(self, session: dict, *, declined: bool = False):
        item = session["_line_item"]
        amount = f"{item['amount'] / 100:,.2f} {item['currency'].upper()}"
        every = " a month" if session["mode"] == "subscription" else ""
        note = "<p><strong>Your card was declined.</strong> Try again.</p>"
        buttons = {
            "open": ["complete:Pay (card accepted)", "decline:Pay (card declined)"]
            + (
                ["delay:Pay by bank (settles later)"]
                if session["mode"] == "payment"
                else []
            ),
            "complete": ["settle:Bank payment settles", "fail:Bank payment fails"]
            if session["payment_status"] == "unpaid"
            else [],
        }.get(session["status"], [])
        forms = "".join(
            f'<form method="post"><button name="action" value="{value}">'
            f"{html.escape(label)}</button></form>"
            for value, label in (b.split(":", 1) for b in buttons)
        )
        cancel = html.escape(session["cancel_url"])
        body = (
            (note if declined else "")
            + f"<p>{html.escape(item['name'])}: <strong>{amount}{every}</strong></p>"
            + f"<p>Status: {session['status']} / {session['payment_status']}</p>"
            + forms
            + f'<p><a href="{cancel}">Cancel and go back</a></p>'
        )
        self._page("Checkout", body)

    def _portal_page(self, portal: dict):
        state = self.double.state
        with state.lock:
            subs = [
                o
                for o in state.objects.values()
                if o["object"] == "subscription" and o["customer"] == portal["customer"]
            ]
        rows = "".join(
            f"<li>{s['_amount'] / 100:,.2f} {s['currency'].upper()} a month, "
            f"{s['status']}"
            + (
                f'<form method="post"><button name="subscription" value="{s["id"]}">'
                "Cancel this monthly gift</button></form>"
                if s["status"] != "canceled"
                else ""
            )
            + "</li>"
            for s in subs
        )
        back = html.escape(portal["return_url"])
        self._page(
            "Manage your monthly gift",
            f"<ul>{rows}</ul><p><a href='{back}'>Back</a></p>",
        )
