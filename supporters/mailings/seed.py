"""Demo content: a draft mailing to the updates list (idempotent)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from supporters.models import Subscription, Topic
from supporters.services import PURPOSE_EMAIL_UPDATES, consent_grant, supporter_upsert

from .models import Mailing

DEMO_SUBJECT = "{{ first_name }}, our letter before action has gone to the Department"
DEMO_PEOPLE = [
    ("amira.demo@example.org", "Amira"),
    ("ben.demo@example.org", "Ben"),
    ("chloe.demo@example.org", ""),
]
DEMO_BODY = [
    {"type": "heading", "value": "The first formal step is taken"},
    {
        "type": "paragraph",
        "value": (
            "<p>Dear {{ first_name }},</p><p>Our solicitors have written to the "
            "Department for Education with a letter before action: the first step "
            "towards a judicial review of the new rules that attach labels such as "
            "&ldquo;mental health&rdquo; to children&rsquo;s named records in the "
            "Alternative "
            "Provision Census.</p>"
        ),
    },
    {
        "type": "paragraph",
        "value": (
            "<p>Those records join the National Pupil Database and are kept "
            "indefinitely. We asked for changes in December and wrote to the "
            "Secretary of State in January. Now we are asking a court.</p>"
        ),
    },
    {
        "type": "quote",
        "value": {
            "quote": "Researchers should come to the data, not copy identifiable "
            "data out.",
            "attribution": "Our principle",
        },
    },
    {"type": "divider", "value": None},
    {
        "type": "call_to_action",
        "value": {"label": "Help fund the case", "url": "/donate/"},
    },
]


def seed_mailings(*, log=print) -> None:
    with transaction.atomic():
        topic = Topic.objects.filter(slug="campaign-updates").first()
        if topic is None:
            topic, _ = Topic.objects.get_or_create(
                name="Campaign updates",
                defaults={
                    "slug": "campaign-updates",
                    "description": "News of the case",
                },
            )
        for email, first_name in DEMO_PEOPLE:
            supporter = supporter_upsert(
                email=email, first_name=first_name, source="demo seed"
            )
            _sub, created = Subscription.objects.get_or_create(
                supporter=supporter,
                topic=topic,
                defaults={"status": "confirmed", "confirmed_at": timezone.now()},
            )
            if created:
                consent_grant(
                    supporter=supporter,
                    purpose=PURPOSE_EMAIL_UPDATES,
                    wording="Demo supporter: email me campaign updates.",
                    wording_version="demo",
                    source="demo seed",
                    confirmed_at=timezone.now(),
                )
        mailing, created = Mailing.objects.get_or_create(
            subject=DEMO_SUBJECT,
            defaults={
                "preheader": "What happens next, and how you can help",
                "from_name": "Pupil data campaign",
                "body": DEMO_BODY,
            },
        )
        if created:
            mailing.topics.set([topic])
    log(f"Mailings: demo draft {'created' if created else 'already there'}.")
