"""anymail's real Postmark backend, over HTTP, against the local batch API double."""

from __future__ import annotations

import pytest

from supporters.mailings import sending, services
from supporters.mailings.models import Delivery, Mailing
from supporters.mailings.provider_double import PostmarkDouble

from .conftest import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def postmark(settings):
    double = PostmarkDouble(token="server-token").start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "anymail.backends.postmark.EmailBackend",
            "OPTIONS": {"server_token": "server-token", "api_url": double.url},
        }
    }
    yield double
    double.stop()


def start(mailing):
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    services.mailing_snapshot(mailing_id=mailing.pk)


def test_postmark_batches_carry_each_recipients_merge_data_and_headers(
    postmark, settings, topic, mailing_factory
):
    settings.MAILINGS_BATCH_SIZE = 4
    people = make_people(10, topic=topic)
    mailing = mailing_factory(topics=[topic], from_name="Pupil Data Campaign")
    start(mailing)
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "done"

    # Three calls to Postmark's batch-with-templates endpoint: 4 + 4 + 2.
    assert postmark.requests == [
        {"endpoint": "/email/batchWithTemplates", "size": 4},
        {"endpoint": "/email/batchWithTemplates", "size": 4},
        {"endpoint": "/email/batchWithTemplates", "size": 2},
    ]
    by_address = {m["to"]: m for m in postmark.messages}
    assert sorted(by_address) == sorted(p.email for p in people)
    message = by_address[people[3].email]
    assert message["subject"] == "News for Name3"
    assert "Dear Name3, thank you" in message["html"]
    assert "Dear Name3, thank you" in message["text"]
    assert message["from"].startswith("Pupil Data Campaign <")
    unsubscribe = message["headers"]["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://testserver/email/unsubscribe/")
    assert message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message["html"]
    assert message["track_opens"] is False and message["track_links"] == "None"
    # Nobody's link is anybody else's.
    links = {m["headers"]["List-Unsubscribe"] for m in postmark.messages}
    assert len(links) == 10
    # Each row carries Postmark's MessageID for the tracking webhooks.
    ids = dict(Delivery.objects.values_list("supporter__email", "provider_message_id"))
    assert ids[people[3].email] == message["id"]
    assert message["metadata"]["mailing_delivery"] == str(
        Delivery.objects.get(supporter=people[3]).pk
    )


def test_postmark_inactive_recipient_is_recorded_as_failed(
    postmark, topic, mailing_factory
):
    people = make_people(3, topic=topic)
    postmark.inactive.add(people[1].email)
    mailing = mailing_factory(topics=[topic])
    start(mailing)
    sending.mailing_deliver(mailing_id=mailing.pk)
    statuses = dict(Delivery.objects.values_list("supporter__email", "status"))
    assert statuses[people[1].email] == "failed"
    assert statuses[people[0].email] == statuses[people[2].email] == "sent"


def test_postmark_unavailable_then_back_sends_everyone_once(
    postmark, topic, mailing_factory
):
    make_people(3, topic=topic)
    postmark.failures = [503]
    mailing = mailing_factory(topics=[topic])
    start(mailing)
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "retry"
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "done"
    assert len(postmark.messages) == 3 == len(set(postmark.recipients()))


def test_postmark_500_is_uncertain_and_not_resent(postmark, topic, mailing_factory):
    make_people(3, topic=topic)
    postmark.failures = [500]
    mailing = mailing_factory(topics=[topic])
    start(mailing)
    sending.mailing_deliver(mailing_id=mailing.pk)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"uncertain"}
    assert postmark.messages == []


def test_a_batch_over_postmarks_limit_is_refused_by_the_double(postmark):
    import json

    status, body = postmark.handle(
        "/email/batchWithTemplates",
        "server-token",
        json.dumps({"Messages": [{}] * 501}).encode(),
    )
    assert status == 422 and "exceeds 500" in body["Message"]
