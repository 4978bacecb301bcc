"""Mailings in a person's copy of their data, and after erasure."""

import pytest

from supporters.mailings import sending
from supporters.mailings.models import Delivery
from supporters.privacy import data_export, supporter_erase

from .conftest import make_people
from .test_send import started

pytestmark = pytest.mark.django_db


def test_export_lists_mailings_received_and_erasure_unlinks_them(
    anymail_outbox, topic, mailing_factory
):
    person, _other = make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic], subject="Hearing news")
    started(mailing)
    sending.mailing_deliver(mailing_id=mailing.pk)

    exported = data_export(supporter=person)["mailings"]
    assert [(e["mailing"], e["status"]) for e in exported] == [("Hearing news", "sent")]

    supporter_erase(supporter=person, source="test")
    assert Delivery.objects.filter(mailing=mailing).count() == 2  # counts intact
    assert Delivery.objects.filter(supporter__isnull=True).count() == 1
    mailing.refresh_from_db()
    assert mailing.sent_count == 2
