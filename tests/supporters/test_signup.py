"""Sign-up with double opt-in: the public form, confirmation, welcome email."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from supporters.consent import current_wording
from supporters.models import (
    ConsentRecord,
    Subscription,
    Supporter,
    SupporterEmailSettings,
    Suppression,
)
from supporters.services import is_suppressed, suppression_add

from .conftest import form_data, link_in

pytestmark = pytest.mark.django_db

SIGNUP = "/signup/"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _signup(client, capture, **fields):
    data = form_data(email="new.person@example.org", consent="on", **fields)
    with capture(execute=True):
        return client.post(SIGNUP, data)


def test_signup_page_shows_the_versioned_wording_beside_an_unticked_box(client, topics):
    response = client.get(SIGNUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert current_wording("email_updates").text in html
    assert (
        'name="consent" value="on"' in html
        and "checked" not in html.split('name="consent"')[1].split(">")[0]
    )
    assert 'name="website"' in html  # honeypot
    assert "Set-Cookie" not in response.headers


def test_signup_sends_a_confirmation_and_records_no_consent_yet(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    response = _signup(
        client,
        django_capture_on_commit_callbacks,
        first_name="Asha",
        topics=[topics[1].pk],
    )
    assert response.status_code == 302 and response["Location"] == "/signup/thanks/"
    person = Supporter.objects.get()
    assert (person.email, person.first_name, person.postcode) == (
        "new.person@example.org",
        "Asha",
        "",
    )
    assert list(person.subscriptions.values_list("topic__slug", "status")) == [
        ("events", "unconfirmed")
    ]
    assert not ConsentRecord.objects.exists()
    [message] = mailoutbox
    assert message.subject == "Please confirm your email address"
    assert "/signup/confirm/" in message.body


def test_known_and_new_addresses_get_the_same_answer(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    first = _signup(client, django_capture_on_commit_callbacks)
    again = _signup(client, django_capture_on_commit_callbacks)
    assert (first.status_code, first["Location"]) == (
        again.status_code,
        again["Location"],
    )
    thanks = client.get(first["Location"]).content
    assert b"Check your inbox" in thanks
    assert Supporter.objects.count() == 1


def test_confirming_records_consent_with_exact_wording_and_sends_welcome(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    texts = SupporterEmailSettings.load()
    texts.welcome_subject = "Welcome to Defend Pupil Privacy"
    texts.welcome_body = "First paragraph.\n\nEdited in Wagtail."
    texts.save()
    _signup(
        client,
        django_capture_on_commit_callbacks,
        topics=[topics[0].pk],
        page="/campaign/",
    )
    url = link_in(mailoutbox[0], "confirm")
    # GET (a mail scanner) confirms nothing.
    assert b"Yes, confirm" in client.get(url).content
    assert Subscription.objects.get().status == "unconfirmed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert b"you're signed up" in response.content
    subscription = Subscription.objects.get()
    assert subscription.status == "confirmed" and subscription.confirmed_at
    record = ConsentRecord.objects.get()
    wording = current_wording("email_updates")
    assert (record.action, record.lawful_basis) == ("granted", "consent")
    assert (record.wording, record.wording_version) == (wording.text, wording.version)
    assert record.source == "signup form: /campaign/"
    assert record.confirmed_at is not None and record.ip_truncated == ""
    welcome = mailoutbox[1]
    assert welcome.subject == "Welcome to Defend Pupil Privacy"
    assert "Edited in Wagtail." in welcome.body
    assert "List-Unsubscribe" in welcome.extra_headers


def test_confirming_twice_records_consent_once(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    url = link_in(mailoutbox[0], "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        response = client.post(url)
    assert b"already signed up" in response.content
    assert ConsentRecord.objects.count() == 1
    assert len(mailoutbox) == 2  # confirmation + one welcome


def test_confirmation_link_expires_after_seven_days(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    url = link_in(mailoutbox[0], "confirm")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, hours=1)):
        response = client.post(url)
    assert response.status_code == 400
    assert b"expired" in response.content
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unconfirmed"}


def test_forged_confirmation_link_is_refused(client, topics):
    response = client.post("/signup/confirm/eyJzIjoxfQ:1abc:forged/")
    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()


def test_fresh_confirmed_signup_lifts_an_old_suppression(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    suppression_add(
        email="new.person@example.org", reason=Suppression.Reason.UNSUBSCRIBED
    )
    _signup(client, django_capture_on_commit_callbacks)
    assert is_suppressed("new.person@example.org")  # not by the sign-up alone
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_in(mailoutbox[0], "confirm"))
    assert not is_suppressed("new.person@example.org")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consent": ""}, "Please tick the box"),
        ({"email": "not an email"}, "valid email address"),
        ({"email": "a" * 250 + "@example.org"}, "too long"),
        ({"email": "zoë@example.org"}, "before the @"),
        ({"first_name": "Jo\r\nBcc: victim@example.org"}, "one line"),
        ({"first_name": "J" * 101}, "at most 100"),
        ({"website": "http://spam.example"}, "leave the last field empty"),
        ({"form_ts": "forged"}, "open for a long time"),
    ],
)
def test_bad_signups_get_a_clear_message_and_write_nothing(
    client, topics, mailoutbox, fields, message
):
    data = form_data(email="ok@example.org", consent="on")
    data.update(fields)
    response = client.post(SIGNUP, data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Supporter.objects.exists()
    assert mailoutbox == []


def test_signups_over_the_rate_limit_get_429(client, topics, settings):
    settings.SIGNUP_RATE_LIMIT = 2
    for _ in range(2):
        assert (
            client.post(
                SIGNUP, form_data(email="r@example.org", consent="on")
            ).status_code
            == 302
        )
    response = client.post(SIGNUP, form_data(email="r@example.org", consent="on"))
    assert response.status_code == 429
    assert b"Please wait a moment" in response.content


def test_footer_signup_form_is_on_public_pages(client, topics):
    html = client.get("/").content.decode()
    assert 'action="/signup/"' in html
    assert current_wording("email_updates").text in html


def test_signup_block_renders_the_form():
    from supporters.blocks import SignupBlock

    block = SignupBlock()
    html = block.render(block.to_python({"heading": "Join us", "intro": "Hi"}))
    assert "Join us" in html and 'action="/signup/"' in html
