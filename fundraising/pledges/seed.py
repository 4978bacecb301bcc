"""Demo pledges (run by ``manage.py seed_demo`` after the fundraising seeder;
idempotent: a demo pledger who already has a pledge is left alone).

Confirmed and cancelled through the real services, so the appeal's "pledged"
total and the reminder rows are what a live site would have. No emails are
sent: the rows are created directly rather than through the pledge form.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fundraising.models import Appeal
from supporters.services import supporter_upsert

from . import schedule, services
from .milestones import milestones_for
from .models import Pledge

DEMO_APPEAL_SLUG = "judicial-review"


def _demo_pledges(today: datetime.date) -> list[dict]:
    return [
        {"name": "Alex", "email": "demo-pledger-1@example.org", "pence": 2500,
         "when": Pledge.When.DATE, "due_date": today + datetime.timedelta(days=10)},
        {"name": "Bea", "email": "demo-pledger-2@example.org", "pence": 5000,
         "when": Pledge.When.PAYDAY, "payday": schedule.LAST_WORKING_DAY},
        {"name": "Chris", "email": "demo-pledger-3@example.org", "pence": 2000,
         "when": Pledge.When.PAYDAY, "payday": "15", "confirmed": False},
        {"name": "Dana", "email": "demo-pledger-4@example.org", "pence": 1000,
         "when": Pledge.When.DATE, "due_date": today + datetime.timedelta(days=40),
         "cancelled": True},
    ]  # fmt: skip


@transaction.atomic
def seed_pledges(*, log) -> None:
    appeal = Appeal.objects.filter(slug=DEMO_APPEAL_SLUG).first()
    if appeal is None:
        log("Pledges: no demo appeal, skipped.")
        return
    now = timezone.now()
    today = schedule.london_today(now)
    specs = _demo_pledges(today)
    milestones = milestones_for(appeal)
    if milestones:  # campaign registered its timeline: one pledge waits on it
        key, title = milestones[-1]
        specs.append(
            {"name": "Eli", "email": "demo-pledger-5@example.org", "pence": 10000,
             "when": Pledge.When.MILESTONE, "milestone": (key, str(title))}
        )  # fmt: skip
    made = 0
    for spec in specs:
        supporter = supporter_upsert(
            email=spec["email"], first_name=spec["name"], source="demo"
        )
        if Pledge.objects.filter(appeal=appeal, supporter=supporter).exists():
            continue
        choice = services.rules.when_check(
            when=spec["when"],
            today=today,
            due_date=spec.get("due_date"),
            payday=spec.get("payday"),
            milestone_key=spec["milestone"][0] if "milestone" in spec else None,
            milestones=dict([spec["milestone"]]) if "milestone" in spec else None,
        )
        pledge = Pledge.objects.create(
            appeal=appeal,
            supporter=supporter,
            amount_pence=spec["pence"],
            when=choice.when,
            due_date=choice.due_date,
            payday=choice.payday,
            milestone_key=choice.milestone_key,
            milestone_title=choice.milestone_title,
            source="demo",
        )
        if spec.get("confirmed", True):
            services.pledge_confirm(pledge_id=pledge.pk, now=now)
        if spec.get("cancelled"):
            services.pledge_cancel(pledge_id=pledge.pk, now=now)
        made += 1
    log(f"Pledges: {made} demo pledge(s) added.")
