"""Delivery events from the email provider (anymail's ``tracking`` signal).

anymail's webhook views check the shared secret (HTTP basic auth from
ANYMAIL_WEBHOOK_SECRET) and the provider's signature where it has one, then
normalise the event. Here:
    hard bounce, complaint, rejection -> suppress at once
    soft bounce                       -> count; the third suppresses
    provider unsubscribe / complaint  -> withdraw consent, leave every list
"""

from __future__ import annotations

import logging
import re

from anymail.signals import EventType, tracking
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from .addresses import email_mask
from .models import EmailMessageLog, Supporter, Suppression
from .services import supporter_get_by_email, supporter_unsubscribe_all, suppression_add

logger = logging.getLogger(__name__)

SOFT_BOUNCE_LIMIT = 3
_SMTP_TEMPORARY = re.compile(r"^\s*4\d\d\b|^\s*4\.\d+\.\d+")


def _is_soft_bounce(event) -> bool:
    esp = event.esp_event if isinstance(event.esp_event, dict) else {}
    if esp.get("Type") in {"SoftBounce", "Transient"}:  # Postmark
        return True
    if esp.get("severity") == "temporary":  # Mailgun
        return True
    text = event.mta_response or ""
    return bool(_SMTP_TEMPORARY.match(text))


def _mark_log(event, status: str) -> None:
    log_id = (event.metadata or {}).get("email_log_id")
    if log_id and str(log_id).isdigit():
        EmailMessageLog.objects.filter(pk=int(log_id)).update(status=status)
    elif event.message_id:
        EmailMessageLog.objects.filter(provider_message_id=event.message_id).update(
            status=status
        )


@receiver(tracking, dispatch_uid="supporters.tracking")
def tracking_event_record(sender, event, esp_name, **kwargs) -> None:
    if not event.recipient:
        return
    kind = event.event_type
    with transaction.atomic():
        supporter = supporter_get_by_email(event.recipient)
        source = f"{esp_name} webhook: {kind}"
        if kind == EventType.BOUNCED and _is_soft_bounce(event):
            _soft_bounce(event, supporter)
        elif kind in (EventType.BOUNCED, EventType.REJECTED):
            suppression_add(
                email=event.recipient, reason=Suppression.Reason.HARD_BOUNCE
            )
            _mark_log(event, EmailMessageLog.Status.FAILED)
        elif kind == EventType.COMPLAINED:
            if supporter:
                supporter_unsubscribe_all(
                    supporter=supporter, source=source, reason="complaint"
                )
            suppression_add(email=event.recipient, reason=Suppression.Reason.COMPLAINT)
        elif kind == EventType.UNSUBSCRIBED:
            if supporter:
                supporter_unsubscribe_all(supporter=supporter, source=source)
            else:
                suppression_add(
                    email=event.recipient, reason=Suppression.Reason.UNSUBSCRIBED
                )
        else:
            return
    logger.info(
        "Tracking %s for %s via %s", kind, email_mask(event.recipient), esp_name
    )


def _soft_bounce(event, supporter: Supporter | None) -> None:
    if supporter is None:
        return
    Supporter.objects.filter(pk=supporter.pk).update(
        soft_bounce_count=F("soft_bounce_count") + 1
    )
    supporter.refresh_from_db(fields=["soft_bounce_count"])
    if supporter.soft_bounce_count >= SOFT_BOUNCE_LIMIT:
        suppression_add(email=supporter.email, reason=Suppression.Reason.SOFT_BOUNCES)
