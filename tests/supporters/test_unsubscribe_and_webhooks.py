"""One-click unsubscribe (RFC 8058) and the provider's tracking webhook."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from django.urls import reverse

from supporters import tokens
from supporters.models import ConsentRecord, Subscription, Suppression
from supporters.services import consent_current, consent_grant, is_suppressed

from .factories import SupporterFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed():
    person = SupporterFactory()
    Subscription.objects.create(
        supporter=person, topic=TopicFactory(), status="confirmed"
    )
    consent_grant(
        supporter=person,
        purpose="email_updates",
        wording="Yes",
        wording_version="v1",
        source="test",
    )
    return person


def _unsubscribe_url(person):
    return reverse(
        "supporters:unsubscribe",
        args=[tokens.token_make(tokens.UNSUBSCRIBE, {"s": person.pk})],
    )


def test_get_shows_a_button_and_unsubscribes_nobody(client, subscribed):
    response = client.get(_unsubscribe_url(subscribed))
    assert response.status_code == 200
    assert b"Unsubscribe me" in response.content
    assert not is_suppressed(subscribed.email)
    assert Subscription.objects.get().status == "confirmed"


def test_one_click_post_without_cookie_or_csrf_unsubscribes(subscribed):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _unsubscribe_url(subscribed), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert Subscription.objects.get().status == "unsubscribed"
    assert (
        consent_current(supporter=subscribed, purpose="email_updates").action
        == "withdrawn"
    )
    assert Suppression.objects.get().reason == "unsubscribed"
    # Idempotent: a second POST records nothing new.
    assert client.post(_unsubscribe_url(subscribed)).status_code == 200
    assert ConsentRecord.objects.filter(action="withdrawn").count() == 1


def test_forged_unsubscribe_token_is_refused_without_a_500(client, subscribed):
    url = _unsubscribe_url(subscribed)[:-6] + "xxxxx/"
    response = client.post(url)
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert not is_suppressed(subscribed.email)


WEBHOOK = "/webhooks/anymail/postmark/tracking/"


@pytest.fixture
def webhook(settings):
    settings.EMAIL_ESP = "postmark"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "hook:s3cret"}
    auth = "Basic " + base64.b64encode(b"hook:s3cret").decode()

    def post(payload, *, authorization=auth, url=WEBHOOK):
        headers = {"Authorization": authorization} if authorization else {}
        return Client().post(
            url, json.dumps(payload), content_type="application/json", headers=headers
        )

    return post


def _bounce(email, bounce_type="HardBounce"):
    return {
        "RecordType": "Bounce",
        "Type": bounce_type,
        "TypeCode": 1,
        "ID": 1,
        "MessageID": "pm-1",
        "Email": email,
        "BouncedAt": "2026-01-01T00:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 no such user",
        "Metadata": {},
    }


def test_webhook_without_the_secret_is_refused(webhook):
    person = SupporterFactory()
    response = webhook(_bounce(person.email), authorization="Basic d3Jvbmc6d3Jvbmc=")
    assert response.status_code in (400, 401, 403)
    assert not is_suppressed(person.email)


def test_webhook_post_without_any_credentials_is_refused(webhook):
    person = SupporterFactory()
    response = webhook(_bounce(person.email), authorization=None)
    assert response.status_code == 400  # anymail's answer to missing basic auth
    assert not is_suppressed(person.email)


def test_webhook_is_off_when_no_secret_is_configured(webhook, settings):
    """Unset secret: anymail would accept anyone, so the route answers 404."""
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": None}
    person = SupporterFactory()
    for authorization in (None, "Basic " + base64.b64encode(b"any:thing").decode()):
        response = webhook(_bounce(person.email), authorization=authorization)
        assert response.status_code == 404
    assert not is_suppressed(person.email)


def test_webhook_is_off_when_no_provider_is_configured(webhook, settings):
    settings.EMAIL_ESP = ""
    person = SupporterFactory()
    assert webhook(_bounce(person.email)).status_code == 404
    assert not is_suppressed(person.email)


@pytest.mark.parametrize(
    "provider", ["mailgun", "sendgrid", "amazon_ses", "sparkpost", "mandrill"]
)
def test_other_providers_webhooks_answer_404_not_500(webhook, provider):
    person = SupporterFactory()
    response = webhook(
        _bounce(person.email), url=f"/webhooks/anymail/{provider}/tracking/"
    )
    assert response.status_code == 404
    assert not is_suppressed(person.email)


def test_inbound_mail_routes_are_not_exposed(webhook):
    assert webhook({}, url="/webhooks/anymail/postmark/inbound/").status_code == 404


def test_hard_bounce_suppresses_at_once(webhook):
    person = SupporterFactory()
    assert webhook(_bounce(person.email)).status_code == 200
    assert Suppression.objects.get().reason == "hard_bounce"


def test_three_soft_bounces_suppress(webhook):
    person = SupporterFactory()
    for expected in (False, False, True):
        assert webhook(_bounce(person.email, "SoftBounce")).status_code == 200
        assert is_suppressed(person.email) is expected
    assert Suppression.objects.get().reason == "soft_bounces"


def test_complaint_suppresses_and_withdraws_consent(webhook, subscribed):
    payload = {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "MessageID": "pm-2",
        "Email": subscribed.email,
        "BouncedAt": "2026-01-01T00:00:00Z",
        "Metadata": {},
    }
    assert webhook(payload).status_code == 200
    assert Suppression.objects.get().reason == "complaint"
    assert (
        consent_current(supporter=subscribed, purpose="email_updates").action
        == "withdrawn"
    )


def test_provider_unsubscribe_withdraws_consent(webhook, subscribed):
    payload = {
        "RecordType": "SubscriptionChange",
        "MessageID": "pm-3",
        "Recipient": subscribed.email,
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "ChangedAt": "2026-01-01T00:00:00Z",
        "Metadata": {},
    }
    assert webhook(payload).status_code == 200
    assert (
        consent_current(supporter=subscribed, purpose="email_updates").action
        == "withdrawn"
    )
    assert Subscription.objects.get().status == "unsubscribed"
    assert is_suppressed(subscribed.email)


def test_deploy_check_fails_when_the_webhook_has_no_secret(settings):
    from supporters.checks import anymail_webhook_secret_check

    settings.EMAIL_ESP = "postmark"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": None}
    assert [e.id for e in anymail_webhook_secret_check(None)] == ["supporters.E001"]
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "u:p"}
    assert anymail_webhook_secret_check(None) == []
