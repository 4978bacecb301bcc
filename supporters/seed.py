"""Demo supporters, lists and tags (run by ``manage.py seed_demo``).

Idempotent: running it again changes nothing. Addresses use example.org, so
nothing can ever be mailed to a real person.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .consent import current_wording
from .models import ConsentRecord, Subscription, Tag, Topic
from .services import (
    PURPOSE_EMAIL_UPDATES,
    consent_grant,
    supporter_unsubscribe_all,
    supporter_upsert,
)

TOPICS = [
    (
        "campaign-updates",
        "Campaign updates",
        "News on the campaign and the legal case.",
    ),
    (
        "legal-case",
        "Judicial review",
        "Each step of the legal challenge, as it happens.",
    ),
    (
        "events",
        "Events and actions",
        "Meetings, days of action and ways to help locally.",
    ),
]
TAGS = ["volunteer", "parent", "teacher", "Leeds", "London"]
# (email, first, last, topics, tags, status)
PEOPLE = [
    (
        "amira.hassan@example.org",
        "Amira",
        "Hassan",
        ["campaign-updates", "legal-case"],
        ["parent", "Leeds"],
        "confirmed",
    ),
    (
        "tom.whitfield@example.org",
        "Tom",
        "Whitfield",
        ["campaign-updates"],
        ["teacher"],
        "confirmed",
    ),
    (
        "grace.okafor@example.org",
        "Grace",
        "Okafor",
        ["events", "campaign-updates"],
        ["volunteer", "London"],
        "confirmed",
    ),
    ("dev.patel@example.org", "Dev", "", ["legal-case"], [], "confirmed"),
    ("sian.lloyd@example.org", "", "", ["campaign-updates"], [], "unconfirmed"),
    (
        "martin.cole@example.org",
        "Martin",
        "Cole",
        ["campaign-updates"],
        ["parent"],
        "unsubscribed",
    ),
]


@transaction.atomic
def seed_supporters(*, log) -> None:
    topics = {}
    for order, (slug, name, description) in enumerate(TOPICS, start=1):
        topics[slug], _ = Topic.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "sort_order": order},
        )
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in TAGS}
    wording = current_wording(PURPOSE_EMAIL_UPDATES)
    now = timezone.now()
    for email, first, last, slugs, tag_names, status in PEOPLE:
        person = supporter_upsert(
            email=email, source="demo seed", first_name=first, last_name=last
        )
        person.tags.add(*(tags[t] for t in tag_names))
        for slug in slugs:
            Subscription.objects.get_or_create(
                supporter=person,
                topic=topics[slug],
                defaults={
                    "status": "unconfirmed" if status == "unconfirmed" else "confirmed",
                    "confirmed_at": None if status == "unconfirmed" else now,
                },
            )
        if status == "unconfirmed" or ConsentRecord.objects.filter(supporter=person):
            continue
        consent_grant(
            supporter=person,
            purpose=PURPOSE_EMAIL_UPDATES,
            wording=wording.text,
            wording_version=wording.version,
            source="signup form: / (demo)",
            confirmed_at=now,
        )
        if status == "unsubscribed":
            supporter_unsubscribe_all(supporter=person, source="demo seed")
    log(f"Supporters: {len(PEOPLE)} demo people, {len(TOPICS)} lists, {len(TAGS)} tags")
