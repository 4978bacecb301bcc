"""The offline Stripe double checks what we send like Stripe does, and the
gateway never points live keys at it."""

from __future__ import annotations

import pytest
import requests
import stripe

from fundraising import gateway
from fundraising.stripe_double import StripeDouble, parse_form, sign


@pytest.fixture
def double():
    running = StripeDouble(webhook_secret="whsec_unit").start()
    yield running
    running.stop()


def client(double):
    return stripe.StripeClient("sk_test_unit", base_addresses={"api": double.url})


def params(**overrides):
    base = {
        "mode": "payment",
        "success_url": "https://example.org/thanks?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://example.org/cancel",
        "metadata": {"donation_id": "1"},
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": 2500,
                    "product_data": {"name": "Donation"},
                },
            }
        ],
    }
    base.update(overrides)
    return base


def price(**fields):
    data = {"currency": "gbp", "unit_amount": 2500, "product_data": {"name": "Gift"}}
    data.update(fields)
    return [{"quantity": 1, "price_data": data}]


def test_session_has_stripe_fixture_shape_with_our_fields(double):
    session = client(double).v1.checkout.sessions.create(params=params())
    assert session.object == "checkout.session"
    assert session.amount_total == 2500 and session.currency == "gbp"
    assert session.metadata["donation_id"] == "1"
    assert session.url.startswith(double.url + "/checkout/pay/cs_test_")
    assert "after_expiration" in session  # a field only Stripe's fixture has


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"line_items": price(unit_amount=-5)}, "unit_amount"),
        ({"line_items": price(unit_amount=0)}, "unit_amount"),
        ({"line_items": price(unit_amount="12.5")}, "unit_amount"),
        ({"line_items": price(currency="GBP")}, "currency"),
        ({"metadata": None}, "metadata"),
        ({"mode": "setup"}, "mode"),
        ({"success_url": "not a url"}, "success_url"),
        ({"mode": "subscription"}, "recurring"),
        ({"line_items": price(recurring={"interval": "month"})}, "recurring"),
        ({"subscription_data": {"metadata": {"a": "b"}}}, "subscription_data"),
        ({"surprise": "x"}, "surprise"),
    ],
)
def test_bad_checkout_parameters_are_refused_like_stripe(double, overrides, param):
    bad = {k: v for k, v in params(**overrides).items() if v is not None}
    with pytest.raises(stripe.InvalidRequestError) as error:
        client(double).v1.checkout.sessions.create(params=bad)
    assert param in (error.value.param or "")
    assert not double.sessions()


def test_idempotency_key_returns_the_same_session(double):
    sessions = client(double).v1.checkout.sessions
    first = sessions.create(params=params(), options={"idempotency_key": "k"})
    again = sessions.create(params=params(), options={"idempotency_key": "k"})
    assert first.id == again.id
    with pytest.raises(stripe.IdempotencyError):
        sessions.create(
            params=params(line_items=price(unit_amount=999)),
            options={"idempotency_key": "k"},
        )
    assert len(double.sessions()) == 1


def test_wrong_api_key_is_refused(double):
    wrong = stripe.StripeClient("sk_live_nope", base_addresses={"api": double.url})
    with pytest.raises(stripe.AuthenticationError):
        wrong.v1.checkout.sessions.create(params=params())


def test_expire_closes_an_open_session_once(double):
    sessions = client(double).v1.checkout.sessions
    session = sessions.create(params=params())
    assert sessions.expire(session.id).status == "expired"
    with pytest.raises(stripe.InvalidRequestError):
        sessions.expire(session.id)


def test_webhooks_are_signed_so_the_sdk_verifies_them(double):
    received = []
    double.deliver_to = lambda payload, signature: (
        received.append((payload, signature)) or 200
    )
    session = client(double).v1.checkout.sessions.create(params=params())
    double.pay(session.id)
    assert received
    for payload, signature in received:
        assert stripe.WebhookSignature.verify_header(
            payload, signature, "whsec_unit", 300
        )
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.WebhookSignature.verify_header(payload, signature, "whsec_x", 300)


def test_events_list_pages_newest_first(double):
    sessions = client(double).v1.checkout.sessions
    for _ in range(3):
        double.pay(sessions.create(params=params()).id)
    events = list(client(double).v1.events.list(params={"limit": 2}).auto_paging_iter())
    assert len(events) == len(double.state.events) == 6
    assert [e.created for e in events] == sorted(
        (e.created for e in events), reverse=True
    )


def test_portal_page_lets_the_customer_cancel_their_subscription(double):
    sessions = client(double).v1.checkout.sessions
    monthly = params(
        mode="subscription", line_items=price(recurring={"interval": "month"})
    )
    session = double.pay(sessions.create(params=monthly).id)
    portal = client(double).v1.billing_portal.sessions.create(
        params={"customer": session["customer"], "return_url": "https://e.org/"}
    )
    page = requests.get(portal.url, timeout=10)
    assert "Cancel this monthly gift" in page.text
    done = requests.post(
        portal.url,
        data={"subscription": session["subscription"]},
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 303
    assert double.state.get(session["subscription"])["status"] == "canceled"
    assert double.state.events[-1]["type"] == "customer.subscription.deleted"


def test_parse_form_reads_stripes_bracket_encoding():
    assert parse_form("a[b][0][c]=1&a[b][1][c]=2&m[k]=v&x=") == {
        "a": {"b": [{"c": "1"}, {"c": "2"}]},
        "m": {"k": "v"},
        "x": "",
    }


def test_sign_matches_the_sdk_scheme():
    header = sign(b"{}", "whsec_a", timestamp=1_700_000_000)
    expected = stripe.WebhookSignature.generate_signature_header(
        "{}", "whsec_a", timestamp=1_700_000_000
    )
    assert header == expected


def test_live_keys_never_use_the_double(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:12111"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_live"
    settings.STRIPE_SECRET_KEY = "sk_live_realmoney"
    assert gateway.api_base() is None
    assert not gateway.is_test_mode()
    settings.STRIPE_SECRET_KEY = "sk_test_demo"
    assert gateway.api_base() == "http://127.0.0.1:12111"
    assert gateway.is_test_mode()


def test_no_keys_means_not_configured(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert not gateway.is_configured()
    with pytest.raises(gateway.GatewayNotConfigured):
        gateway.checkout_session_retrieve("cs_test_x")
