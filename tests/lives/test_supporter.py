"""A supporter's life: signs up, bounces, complains, comes back through the
preference link, and erases their data."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.utils import timezone

from fundraising.pledges import reminders
from supporters.models import ConsentRecord, EmailMessageLog, Supporter
from supporters.services import is_suppressed, suppression_reason
from tests.pledges.factories import appeal_make, pledge_make
from tests.supporters.conftest import form_data

from .helpers import link, preferences_path

pytestmark = pytest.mark.django_db
EMAIL = "ruth@example.org"


def _provider_says(event_type, **fields):
    """What the anymail tracking webhook hands on after checking its secret."""
    event = AnymailTrackingEvent(
        event_type=event_type, recipient=EMAIL, esp_event=fields, **{}
    )
    tracking.send(sender=object, event=event, esp_name="Postmark")


def test_a_supporter_who_bounces_complains_resubscribes_and_erases(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    with run(execute=True):
        client.post(
            "/signup/",
            form_data(
                email=EMAIL, first_name="Ruth", consent="on", topics=[topics[0].pk]
            ),
        )
    with run(execute=True):
        client.post(link(mailoutbox[-1], "/confirm/"))
    person = Supporter.objects.get(email=EMAIL)
    assert person.subscriptions.get().status == "confirmed"

    # A full mailbox: one soft bounce is not yet a suppression.
    _provider_says(EventType.BOUNCED, Type="SoftBounce")
    assert not is_suppressed(EMAIL)

    # Ruth pledges, then marks a mailing as spam.
    pledge = pledge_make(
        appeal=appeal_make(),
        email=EMAIL,
        due_date=timezone.localdate() + datetime.timedelta(days=2),
    )
    _provider_says(EventType.COMPLAINED)
    assert suppression_reason(EMAIL) == "complaint"
    assert ConsentRecord.objects.filter(supporter=person).latest("id").action == (
        "withdrawn"
    )
    # Nothing she did not just ask for reaches her now: no reminder, and a
    # sign-up typed by anyone sends no confirmation.
    sent_before = len(mailoutbox)
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=3)),
        run(execute=True),
    ):
        reminders.reminders_sweep()
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(hours=1)),
        run(execute=True),
    ):
        client.post("/signup/", form_data(email=EMAIL, consent="on"))
    assert len(mailoutbox) == sent_before
    assert set(
        EmailMessageLog.objects.filter(
            template__in=["pledge_reminder", "confirm_signup"], status="suppressed"
        ).values_list("template", flat=True)
    ) == {"pledge_reminder", "confirm_signup"}

    # She changes her mind: the signed preference link (from any earlier
    # email) proves the address, so ticking a list re-subscribes her.
    with run(execute=True):
        client.post(
            preferences_path(person),
            {"first_name": "Ruth", "last_name": "", "topics": [topics[0].pk]},
        )
    assert not is_suppressed(EMAIL)
    assert person.subscriptions.get(topic=topics[0]).status == "confirmed"
    assert ConsentRecord.objects.filter(supporter=person).latest("id").action == (
        "granted"
    )

    # Finally she erases everything.
    with run(execute=True):
        client.post(preferences_path(person), {"action": "erase"})
    with run(execute=True):
        page = client.post(link(mailoutbox[-1], "my-data/delete"))
    assert b"Your data is deleted" in page.content
    assert not Supporter.objects.exists()
    assert suppression_reason(EMAIL) == "erased"
    pledge.refresh_from_db()
    assert (pledge.status, pledge.supporter) == ("cancelled", None)
    assert (
        not EmailMessageLog.objects.filter(to_email=EMAIL)
        .exclude(supporter=None)
        .exists()
    )
