"""Reads that admin pages, exports and reports share.

Interface:
    supporters_filtered(*, status=None, topic=None, tag=None, source=None,
        created_from=None, created_to=None, search="") -> QuerySet[Supporter]
    supporter_search(queryset, text) -> QuerySet   index-friendly search
    supporter_export_rows(queryset) -> Iterator[list[str]]   streamed CSV rows
    consent_history(*, supporter) -> QuerySet[ConsentRecord]
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Prefetch, Q

from .models import ConsentRecord, Subscription, Supporter
from .spreadsheets import csv_cell

EXPORT_HEADER = [
    "email",
    "first_name",
    "last_name",
    "postcode",
    "source",
    "created_at",
    "confirmed_topics",
    "tags",
]


def supporter_search(queryset, text: str):
    """Prefix search on the address (indexed) or on first/last name.

    Prefix, not substring: it stays an index scan at 100,000 supporters.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    if "@" in text or ("." in text and " " not in text):
        return queryset.filter(email__startswith=text.lower())
    words = text.split()
    if len(words) >= 2:
        return queryset.filter(
            first_name__istartswith=words[0], last_name__istartswith=words[-1]
        )
    return queryset.filter(
        Q(email__startswith=text.lower())
        | Q(first_name__istartswith=text)
        | Q(last_name__istartswith=text)
    )


def with_subscription(queryset, *, status=None, topic=None):
    if not status and not topic:
        return queryset
    subscriptions = Subscription.objects.filter(supporter=OuterRef("pk"))
    if status:
        subscriptions = subscriptions.filter(status=status)
    if topic:
        subscriptions = subscriptions.filter(topic=topic)
    return queryset.filter(Exists(subscriptions))


def supporters_filtered(
    *,
    status=None,
    topic=None,
    tag=None,
    source=None,
    created_from=None,
    created_to=None,
    search: str = "",
):
    queryset = with_subscription(Supporter.objects.all(), status=status, topic=topic)
    if tag:
        queryset = queryset.filter(tags=tag)
    if source:
        queryset = queryset.filter(source__startswith=source)
    if created_from:
        queryset = queryset.filter(created_at__date__gte=created_from)
    if created_to:
        queryset = queryset.filter(created_at__date__lte=created_to)
    return supporter_search(queryset, search)


def supporter_export_rows(queryset) -> Iterator[list[str]]:
    """Header, then one row per supporter, fetched in chunks (constant memory)."""
    yield EXPORT_HEADER
    confirmed = Subscription.objects.filter(status=Subscription.Status.CONFIRMED)
    rows = (
        queryset.order_by("pk")
        .prefetch_related(
            Prefetch(
                "subscriptions",
                queryset=confirmed.select_related("topic"),
                to_attr="confirmed_subscriptions",
            ),
            "tags",
        )
        .iterator(chunk_size=2000)
    )
    for supporter in rows:
        yield [
            csv_cell(value)
            for value in (
                supporter.email,
                supporter.first_name,
                supporter.last_name,
                supporter.postcode,
                supporter.source,
                supporter.created_at.isoformat(),
                ";".join(s.topic.slug for s in supporter.confirmed_subscriptions),
                ";".join(tag.name for tag in supporter.tags.all()),
            )
        ]


def consent_history(*, supporter):
    return ConsentRecord.objects.filter(supporter=supporter).order_by(
        "-created_at", "-id"
    )
