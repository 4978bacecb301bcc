"""What a suppressed address may still receive: one table
(supporters.emails.SUPPRESSION_STOPS), walked here type by type."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from supporters import emails
from supporters.emails import SUPPRESSION_STOPS, email_enqueue
from supporters.models import EmailMessageLog, Suppression
from supporters.services import suppression_add

from .factories import SupporterFactory

pytestmark = pytest.mark.django_db
REASONS = Suppression.Reason.values
BULK = {"welcome", "mailing"}


def test_every_email_type_has_a_row_in_the_suppression_table():
    templates = {
        path.name
        for path in Path(settings.BASE_DIR, "templates", "emails").iterdir()
        if path.is_dir()
    }
    assert templates == set(SUPPRESSION_STOPS)


@pytest.mark.parametrize("template", sorted(SUPPRESSION_STOPS))
@pytest.mark.parametrize("reason", REASONS)
def test_suppressed_address_gets_only_what_the_table_allows(
    template, reason, anymail_outbox
):
    person = SupporterFactory()
    suppression_add(email=person.email, reason=reason)
    stopped = reason in SUPPRESSION_STOPS[template]
    if template == "mailing":  # bulk mailings batch-check the same table
        assert (
            emails.suppression_stops(template=template, kind="bulk", email=person.email)
            is stopped
        )
        return
    log = email_enqueue(
        template=template,
        to=person,
        context={},
        kind="bulk" if template in BULK else "transactional",
    )
    assert (log.status == EmailMessageLog.Status.SUPPRESSED) is stopped
    assert (log.context == {}) or not stopped


def test_receipt_for_a_payment_just_made_reaches_a_bounced_address(anymail_outbox):
    person = SupporterFactory()
    suppression_add(email=person.email, reason=Suppression.Reason.HARD_BOUNCE)
    log = email_enqueue(
        template="donation_receipt", to=person, context={}, kind="transactional"
    )
    assert log.status == EmailMessageLog.Status.QUEUED


def test_suppression_that_arrives_after_queueing_still_stops_the_send(
    anymail_outbox,
):
    person = SupporterFactory()
    log = email_enqueue(
        template="confirm_signup",
        to=person,
        context={"confirm_url": "http://testserver/x/"},
        kind="transactional",
    )
    suppression_add(email=person.email, reason=Suppression.Reason.COMPLAINT)
    emails.email_send(log_id=log.pk)
    log.refresh_from_db()
    assert log.status == EmailMessageLog.Status.SUPPRESSED
    assert anymail_outbox == []
