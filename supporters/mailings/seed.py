"""Demo content: a draft mailing to the updates list (idempotent)."""

from __future__ import annotations

from django.db import transaction

from supporters.models import Topic

from .models import Mailing

DEMO_SUBJECT = "{{ first_name }}, our letter before action has gone to the Department"
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
    """A draft to the "Campaign updates" list (made by the supporters
    migration; its demo subscribers come from supporters.seed, run earlier)."""
    with transaction.atomic():
        topic, _ = Topic.objects.get_or_create(
            slug="campaign-updates",
            defaults={"name": "Campaign updates", "description": "News of the case"},
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
