"""Helpers for the mailings tests: people, lists and a mailing to send."""

from __future__ import annotations

import pytest
from django.utils import timezone

from supporters.mailings.models import Mailing
from supporters.models import Subscription, Supporter, Tag, Topic

BODY = [
    {"type": "heading", "value": "The hearing is set"},
    {
        "type": "paragraph",
        "value": "<p>Dear {{ first_name }}, thank you for standing with us.</p>",
    },
    {
        "type": "call_to_action",
        "value": {"label": "Read the update", "url": "/updates/hearing/"},
    },
]


def make_people(count, *, topic, status="confirmed", prefix="person", tags=()):
    people = Supporter.objects.bulk_create(
        [
            Supporter(email=f"{prefix}{i}@example.org", first_name=f"Name{i}")
            for i in range(count)
        ]
    )
    Subscription.objects.bulk_create(
        [
            Subscription(
                supporter=person,
                topic=topic,
                status=status,
                confirmed_at=timezone.now() if status == "confirmed" else None,
            )
            for person in people
        ]
    )
    for tag in tags:
        Supporter.tags.through.objects.bulk_create(
            [Supporter.tags.through(supporter_id=p.pk, tag_id=tag.pk) for p in people],
            ignore_conflicts=True,
        )
    return people


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Mailings test list", slug="mailings-test-list")


@pytest.fixture
def tag(db):
    return Tag.objects.create(name="volunteer")


@pytest.fixture
def mailing_factory(db):
    def make(**kwargs):
        topics = kwargs.pop("topics", [])
        tags = kwargs.pop("tags", [])
        kwargs.setdefault("subject", "News for {{ first_name }}")
        kwargs.setdefault("preheader", "The hearing date")
        kwargs.setdefault("body", BODY)
        mailing = Mailing.objects.create(**kwargs)
        mailing.topics.set(topics)
        mailing.tags.set(tags)
        return mailing

    return make
