"""What the supporters app itself holds about a person, for the registry
(supporters.privacy). Registered in SupportersConfig.ready()."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import ModelLogEntry

from .models import (
    ConsentRecord,
    DataRequest,
    EmailMessageLog,
    Subscription,
    Supporter,
)


def supporter_export(supporter: Supporter) -> dict:
    return {
        "email": supporter.email,
        "first_name": supporter.first_name,
        "last_name": supporter.last_name,
        "postcode": supporter.postcode,
        "source": supporter.source,
        "created_at": supporter.created_at,
        "updated_at": supporter.updated_at,
        "tags": [tag.name for tag in supporter.tags.all()],
        "subscriptions": [
            {
                "topic": sub.topic.name,
                "status": sub.status,
                "created_at": sub.created_at,
                "confirmed_at": sub.confirmed_at,
                "unsubscribed_at": sub.unsubscribed_at,
            }
            for sub in Subscription.objects.filter(supporter=supporter)
            .select_related("topic")
            .order_by("topic__name")
        ],
        "consent_history": [
            {
                "purpose": record.purpose,
                "action": record.action,
                "lawful_basis": record.lawful_basis,
                "wording": record.wording,
                "wording_version": record.wording_version,
                "source": record.source,
                "at": record.created_at,
                "confirmed_at": record.confirmed_at,
            }
            for record in ConsentRecord.objects.filter(supporter=supporter).order_by(
                "created_at", "id"
            )
        ],
        "emails_sent": [
            {"type": log.template, "status": log.status, "at": log.created_at}
            for log in EmailMessageLog.objects.filter(supporter=supporter).order_by(
                "created_at"
            )
        ],
    }


def supporter_erase_rows(supporter: Supporter) -> None:
    """Delete the person; consent, subscriptions and tags go with the row.

    Email log rows stay as anonymous counts (type, status, time); staff audit
    and data-request rows stay without identity; Wagtail's admin history loses
    the name it shows.
    """
    EmailMessageLog.objects.filter(
        Q(supporter=supporter) | Q(to_email__iexact=supporter.email)
    ).update(supporter=None, to_email="", context={}, metadata={}, error="")
    DataRequest.objects.filter(supporter=supporter).update(supporter=None, notes="")
    content_type = ContentType.objects.get_for_model(Supporter)
    ModelLogEntry.objects.filter(
        content_type=content_type, object_id=str(supporter.pk)
    ).update(label="Erased supporter", data={})
    supporter.delete()
