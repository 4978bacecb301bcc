"""Helpers for pledges tests: an appeal and pledges in a given state, made
through the real services (so totals and reminders are what they would be)."""

from __future__ import annotations

import datetime
import itertools
import uuid

from fundraising.models import Appeal
from fundraising.pledges import services
from fundraising.pledges.models import Pledge

_seq = itertools.count(1)
UTC = datetime.UTC


def appeal_make(**fields) -> Appeal:
    n = next(_seq)
    return Appeal.objects.create(
        **{
            "name": f"Legal costs {n}",
            "slug": f"legal-costs-{n}",
            "purpose": "Pays the solicitors and barristers.",
            "target_pence": 2_000_000,
            **fields,
        }
    )


def pledge_make(
    *,
    appeal: Appeal,
    amount_pence: int = 2500,
    when: str = Pledge.When.DATE,
    due_date: datetime.date | None = None,
    today: datetime.date | None = None,
    payday=None,
    milestone_key: uuid.UUID | None = None,
    milestone_title: str = "Permission granted",
    email: str | None = None,
    confirm: bool = True,
) -> Pledge:
    today = today or datetime.date.today()
    if when == Pledge.When.DATE and due_date is None:
        due_date = today + datetime.timedelta(days=10)
    pledge = services.pledge_create(
        appeal=appeal,
        email=email or f"pledger{next(_seq)}@example.org",
        first_name="Sam",
        amount_pence=amount_pence,
        when=when,
        today=today,
        due_date=due_date,
        payday=payday,
        milestone_key=milestone_key,
        milestones={milestone_key: milestone_title} if milestone_key else None,
        source="test",
    )
    if confirm:
        pledge = services.pledge_confirm(pledge_id=pledge.pk)
    return pledge
