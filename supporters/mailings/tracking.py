"""Per-mailing delivery counts from the provider's tracking webhooks.

The supporters app has its own receiver on anymail's ``tracking`` signal
(suppression, consent); this one only finds the Delivery the event is about,
by the metadata we sent (``mailing_delivery``) or the provider's message id,
and moves the mailing's counters, once per delivery and kind however often
the provider repeats the event. A complaint rate at or above
MAILINGS_COMPLAINT_PAUSE_PERCENT pauses the mailing and warns staff.
"""

from __future__ import annotations

import logging

from anymail.signals import EventType, tracking
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from .models import Delivery, Mailing
from .sending import mailing_auto_pause

logger = logging.getLogger(__name__)

# anymail event type -> (Delivery timestamp field, Mailing counter)
_FIELDS = {
    EventType.DELIVERED: ("delivered_at", "delivered_count"),
    EventType.BOUNCED: ("bounced_at", "bounced_count"),
    EventType.REJECTED: ("bounced_at", "bounced_count"),
    EventType.COMPLAINED: ("complained_at", "complained_count"),
    EventType.UNSUBSCRIBED: ("unsubscribed_at", "unsubscribed_count"),
}


def _delivery_id(event) -> int | None:
    value = (event.metadata or {}).get("mailing_delivery")
    if value and str(value).isdigit():
        return int(value)
    if event.message_id:
        return (
            Delivery.objects.filter(provider_message_id=str(event.message_id))
            .values_list("pk", flat=True)
            .first()
        )
    return None


def complaint_rate_exceeded(*, mailing: Mailing) -> bool:
    threshold = settings.MAILINGS_COMPLAINT_PAUSE_PERCENT / 100
    return mailing.sent_count > 0 and (
        mailing.complained_count >= threshold * mailing.sent_count
    )


_AGGREGATE = {EventType.OPENED: "opened_count", EventType.CLICKED: "clicked_count"}


def _aggregate(event) -> None:
    """Opens and clicks, only if the setting asks: one total per mailing,
    nothing stored about the person (the mailing id is in the metadata)."""
    counter = _AGGREGATE[event.event_type]
    value = (event.metadata or {}).get("mailing")
    if settings.MAILINGS_TRACK_AGGREGATE and value and str(value).isdigit():
        Mailing.objects.filter(pk=int(value)).update(**{counter: F(counter) + 1})


@receiver(tracking, dispatch_uid="mailings.tracking")
def mailing_tracking_record(sender, event, esp_name, **kwargs) -> None:
    if event.event_type in _AGGREGATE:
        _aggregate(event)
        return
    fields = _FIELDS.get(event.event_type)
    if fields is None:
        return
    delivery_id = _delivery_id(event)
    if delivery_id is None:
        return
    stamp, counter = fields
    with transaction.atomic():
        mailing_id = (
            Delivery.objects.filter(pk=delivery_id)
            .values_list("mailing_id", flat=True)
            .first()
        )
        if mailing_id is None:
            return
        first_time = Delivery.objects.filter(
            pk=delivery_id, **{f"{stamp}__isnull": True}
        ).update(**{stamp: event.timestamp or timezone.now()})
        if not first_time:
            return  # the provider repeated itself
        Mailing.objects.filter(pk=mailing_id).update(**{counter: F(counter) + 1})
    if event.event_type == EventType.COMPLAINED:
        mailing = Mailing.objects.get(pk=mailing_id)
        if complaint_rate_exceeded(mailing=mailing):
            percent = settings.MAILINGS_COMPLAINT_PAUSE_PERCENT
            if mailing_auto_pause(
                mailing_id=mailing_id,
                reason=(
                    f"Paused automatically: spam complaints reached {percent}% "
                    f"({mailing.complained_count} of {mailing.sent_count} sent). "
                    "Check the content and audience before resuming."
                ),
            ):
                _warn_staff(mailing)


def _warn_staff(mailing: Mailing) -> None:
    """Email the mailing's author (or the superusers) that it was paused."""
    from django.contrib.auth import get_user_model

    from supporters.emails import email_enqueue

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    users = (
        users.filter(pk=mailing.created_by_id)
        if mailing.created_by_id
        else users.filter(is_superuser=True)
    )
    for user in users:
        email_enqueue(
            template="mailing_paused",
            to=user.email,
            context={"mailing_id": mailing.pk, "subject": mailing.subject},
            kind="transactional",
        )
