"""Who a mailing goes to, as one SQL query (never a Python list of people).

Interface:
    register_group_provider(prefix, *, choices, supporter_ids)
        Other apps (or audience_providers.py on their behalf) add groups such
        as "donors to an appeal". ``choices()`` -> [(key, label)], keys
        "prefix" or "prefix:arg"; ``supporter_ids(arg)`` -> a queryset of
        supporter ids (``values("supporter_id")``), used as a subquery.
    group_choices() -> [(key, label)]
    audience_queryset(*, topic_ids, tag_ids, segments, match) -> QuerySet[Supporter]
    mailing_audience(*, mailing) -> QuerySet[Supporter]
    mailing_audience_count(*, mailing) -> int

The audience is always a set of people who said yes: confirmed subscribers of
the chosen lists (every list when none is chosen). Tags and groups narrow it;
they never add anyone who has not confirmed a subscription. Suppressed
addresses are left out here (on PostgreSQL, by hashing in SQL) and checked
again when each batch is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat

from supporters import addresses
from supporters.models import Subscription, Supporter, Suppression


class AudienceError(ValueError):
    """The audience cannot be worked out; the message is safe to show."""


@dataclass(frozen=True)
class GroupProvider:
    prefix: str
    choices: Callable[[], list[tuple[str, str]]]
    supporter_ids: Callable[[str], QuerySet]


_PROVIDERS: dict[str, GroupProvider] = {}


def register_group_provider(
    prefix: str,
    *,
    choices: Callable[[], list[tuple[str, str]]],
    supporter_ids: Callable[[str], QuerySet],
) -> None:
    _PROVIDERS[prefix] = GroupProvider(prefix, choices, supporter_ids)


def group_choices() -> list[tuple[str, str]]:
    result = []
    for provider in sorted(_PROVIDERS.values(), key=lambda p: p.prefix):
        result += list(provider.choices())
    return result


def _group_ids(key: str) -> QuerySet:
    prefix, _, arg = str(key).partition(":")
    provider = _PROVIDERS.get(prefix)
    if provider is None:
        raise AudienceError(f"The audience group {key!r} no longer exists.")
    return provider.supporter_ids(arg)


class _SuppressionHash(Func):
    """PostgreSQL's sha256 of the address, as supporters.addresses.email_hash
    computes it in Python (addresses are stored already normalised)."""

    template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"
    output_field = CharField()


def _without_suppressed(queryset: QuerySet) -> QuerySet:
    if not settings.IS_POSTGRES:
        return queryset  # other databases: the send-time check does it
    prefix = addresses._HASH_PREFIX.decode()
    hashed = _SuppressionHash(
        Concat(Value(prefix), F("email"), output_field=CharField())
    )
    return queryset.annotate(email_sha=hashed).exclude(
        Exists(Suppression.objects.filter(email_hash=OuterRef("email_sha")))
    )


def audience_queryset(
    *, topic_ids=(), tag_ids=(), segments=(), match: str = "any"
) -> QuerySet:
    subscribed = Subscription.objects.filter(
        supporter=OuterRef("pk"), status=Subscription.Status.CONFIRMED
    )
    if topic_ids:
        subscribed = subscribed.filter(topic_id__in=list(topic_ids))
    queryset = Supporter.objects.filter(Exists(subscribed))

    tagged = Supporter.tags.through.objects.filter(supporter_id=OuterRef("pk"))
    if match == "all":
        conditions = [Q(Exists(tagged.filter(tag_id=tag_id))) for tag_id in tag_ids]
    else:
        conditions = (
            [Q(Exists(tagged.filter(tag_id__in=list(tag_ids))))] if tag_ids else []
        )
    conditions += [Q(pk__in=_group_ids(key)) for key in segments]
    if conditions:
        combined = conditions[0]
        for condition in conditions[1:]:
            combined = combined & condition if match == "all" else combined | condition
        queryset = queryset.filter(combined)
    return _without_suppressed(queryset).order_by()


def mailing_audience(*, mailing) -> QuerySet:
    return audience_queryset(
        topic_ids=list(mailing.topics.values_list("pk", flat=True)),
        tag_ids=list(mailing.tags.values_list("pk", flat=True)),
        segments=list(mailing.segments or []),
        match=mailing.segment_match,
    )


def mailing_audience_count(*, mailing) -> int:
    return mailing_audience(mailing=mailing).count()
