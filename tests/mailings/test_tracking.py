"""Per-mailing report from anymail tracking events, and complaint auto-pause."""

from __future__ import annotations

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from supporters.mailings import sending
from supporters.mailings.models import Delivery, Mailing
from supporters.models import EmailMessageLog

from .conftest import make_people
from .test_send import started

pytestmark = pytest.mark.django_db


def event(kind, delivery=None, message_id=None, recipient="x@example.org"):
    metadata = {"mailing_delivery": str(delivery.pk)} if delivery else {}
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(
            event_type=kind,
            message_id=message_id,
            metadata=metadata,
            recipient=recipient,
            esp_event={},
        ),
        esp_name="Test",
    )


@pytest.fixture
def sent_mailing(anymail_outbox, topic, mailing_factory, django_user_model):
    author = django_user_model.objects.create_user(
        username="author", email="author@example.org"
    )
    make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic], created_by=author)
    started(mailing)
    sending.mailing_deliver(mailing_id=mailing.pk)
    mailing.refresh_from_db()
    assert mailing.sent_count == 3
    return mailing


def test_delivered_and_bounced_counts_move_once_per_delivery(sent_mailing):
    first, second, _third = Delivery.objects.filter(mailing=sent_mailing).order_by("id")
    event("delivered", first)
    event("delivered", first)  # providers repeat themselves
    event("delivered", second)
    event("bounced", message_id=second.provider_message_id)  # no metadata
    sent_mailing.refresh_from_db()
    assert (sent_mailing.delivered_count, sent_mailing.bounced_count) == (2, 1)


def test_complaints_at_the_threshold_pause_and_warn_the_author(
    sent_mailing, settings, django_capture_on_commit_callbacks
):
    Mailing.objects.filter(pk=sent_mailing.pk).update(status="sending")
    settings.MAILINGS_COMPLAINT_PAUSE_PERCENT = 0.3
    delivery = Delivery.objects.filter(mailing=sent_mailing).first()
    with django_capture_on_commit_callbacks(execute=True):
        event("complained", delivery, recipient=delivery.supporter.email)
    sent_mailing.refresh_from_db()
    assert sent_mailing.complained_count == 1
    assert sent_mailing.status == "paused"
    assert "spam complaints" in sent_mailing.pause_reason
    warning = EmailMessageLog.objects.get(template="mailing_paused")
    assert warning.to_email == "author@example.org"


def test_complaints_below_the_threshold_do_not_pause(sent_mailing, settings):
    Mailing.objects.filter(pk=sent_mailing.pk).update(status="sending", sent_count=1000)
    delivery = Delivery.objects.filter(mailing=sent_mailing).first()
    event("complained", delivery)  # 1 in 1000 = 0.1%
    sent_mailing.refresh_from_db()
    assert sent_mailing.status == "sending"


def test_events_for_other_email_are_ignored(sent_mailing):
    event("delivered", message_id="not-ours")
    sent_mailing.refresh_from_db()
    assert sent_mailing.delivered_count == 0


def _open_event(mailing):
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(
            event_type="opened", metadata={"mailing": str(mailing.pk)}, esp_event={}
        ),
        esp_name="Test",
    )


def test_opens_are_ignored_unless_aggregate_counts_are_turned_on(
    sent_mailing, settings
):
    _open_event(sent_mailing)
    sent_mailing.refresh_from_db()
    assert sent_mailing.opened_count == 0
    settings.MAILINGS_TRACK_AGGREGATE = True
    _open_event(sent_mailing)
    _open_event(sent_mailing)
    sent_mailing.refresh_from_db()
    assert sent_mailing.opened_count == 2  # a total: nothing kept per person
    assert not Delivery.objects.exclude(delivered_at=None).exists()
