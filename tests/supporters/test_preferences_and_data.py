"""Preference centre, copy of my data, erasure by emailed link."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from supporters import tokens
from supporters.models import (
    ConsentRecord,
    DataRequest,
    Subscription,
    Supporter,
)
from supporters.services import consent_current, consent_grant, is_suppressed

from .conftest import form_data, link_in
from .factories import SupporterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(topics):
    supporter = SupporterFactory(email="pat@example.org", first_name="Pat")
    Subscription.objects.create(
        supporter=supporter, topic=topics[0], status="confirmed"
    )
    consent_grant(
        supporter=supporter,
        purpose="email_updates",
        wording="Yes",
        wording_version="2026-11-v1",
        source="signup",
    )
    return supporter


def _prefs(person):
    return reverse(
        "supporters:preferences",
        args=[tokens.token_make(tokens.PREFERENCES, {"s": person.pk})],
    )


def test_preference_centre_shows_name_and_topics(client, person):
    response = client.get(_prefs(person))
    assert response.status_code == 200
    html = response.content.decode()
    assert "pat@example.org" in html and 'value="Pat"' in html
    assert "Set-Cookie" not in response.headers


def test_changing_name_and_topics(client, person, topics):
    response = client.post(
        _prefs(person),
        {
            "action": "save",
            "first_name": "Patricia",
            "last_name": "Okoro",
            "topics": [topics[1].pk],
        },
    )
    assert response.status_code == 200 and b"saved" in response.content
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Patricia", "Okoro")
    statuses = dict(Subscription.objects.values_list("topic__slug", "status"))
    assert statuses == {"campaign-updates": "unsubscribed", "events": "confirmed"}


def test_unticking_every_topic_withdraws_consent(client, person):
    client.post(_prefs(person), {"action": "save", "first_name": "Pat"})
    assert (
        consent_current(supporter=person, purpose="email_updates").action == "withdrawn"
    )


def test_header_injection_in_the_preference_centre_is_refused(client, person):
    response = client.post(
        _prefs(person), {"action": "save", "first_name": "P\r\nBcc: x"}
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.first_name == "Pat"


def test_unsubscribe_from_everything(client, person):
    response = client.post(_prefs(person), {"action": "unsubscribe"})
    assert b"unsubscribed" in response.content
    assert is_suppressed(person.email)
    assert Subscription.objects.get().status == "unsubscribed"


def test_expired_or_forged_preferences_link_offers_a_new_one(client, person):
    response = client.get("/email/preferences/forged:token/")
    assert response.status_code == 400
    assert b"/email/preferences/" in response.content


def test_asking_for_a_new_link_answers_the_same_for_unknown_addresses(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/email/preferences/", form_data(email="PAT@example.org"))
        unknown = client.post("/email/preferences/", form_data(email="who@example.org"))
    assert known.content == unknown.content
    [message] = mailoutbox
    assert message.to == ["pat@example.org"]
    assert client.get(link_in(message, "preferences")).status_code == 200


def test_copy_of_my_data_by_emailed_link_as_json_and_csv(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_prefs(person), {"action": "copy"})
    request = DataRequest.objects.get()
    assert (request.kind, request.status) == ("access", "open")
    assert (request.due_on - request.received_at.date()).days in range(28, 32)
    url = link_in(mailoutbox[-1], "my-data/download")
    assert b"JSON" in client.get(url).content
    data = json.loads(client.get(url + "?format=json").content)
    assert data["supporter"]["email"] == "pat@example.org"
    assert data["supporter"]["consent_history"][0]["wording"] == "Yes"
    rows = dict(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode()))
    )
    assert rows["supporter.first_name"] == "Pat"
    request.refresh_from_db()
    assert request.status == "done"


def test_erasure_needs_the_emailed_link_and_works_once(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_prefs(person), {"action": "erase"})
    assert b"Nothing is deleted until" in response.content
    assert Supporter.objects.filter(pk=person.pk).exists()
    url = link_in(mailoutbox[-1], "my-data/delete")
    assert b"Yes, delete my data" in client.get(url).content  # GET deletes nothing
    assert Supporter.objects.filter(pk=person.pk).exists()
    assert b"Your data is deleted" in client.post(url).content
    assert not Supporter.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert is_suppressed("pat@example.org")
    request = DataRequest.objects.get()
    assert (request.status, request.supporter) == ("done", None)
    again = client.post(url)
    assert again.status_code == 400
    assert b"already been used" in again.content or b"no longer hold" in again.content
    # The old preference link now explains there is nothing left.
    assert b"no longer hold" in client.get(_prefs(person)).content
