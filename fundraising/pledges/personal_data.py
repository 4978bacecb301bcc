"""What pledges hold about a person, for the data export and erasure registry
(supporters.privacy). Registered in PledgesConfig.ready()."""

from __future__ import annotations

from django.utils import timezone

from .models import Pledge


def pledges_export(supporter) -> list[dict]:
    return [
        {
            "appeal": pledge.appeal.name,
            "amount": pledge.amount_display,
            "status": pledge.get_status_display(),
            "when": pledge.get_when_display(),
            "due_date": pledge.due_date,
            "payday": pledge.payday,
            "milestone": pledge.milestone_title,
            "made_at": pledge.created_at,
            "confirmed_at": pledge.confirmed_at,
            "paid_at": pledge.fulfilled_at,
            "ended_at": pledge.ended_at,
            "reminders_sent": [
                reminder.sent_at
                for reminder in pledge.reminders.all()
                if reminder.sent_at
            ],
        }
        for pledge in Pledge.objects.filter(supporter=supporter)
        .select_related("appeal")
        .prefetch_related("reminders")
        .order_by("created_at", "pk")
    ]


def pledges_erase(supporter) -> None:
    """Open pledges are cancelled (they leave the totals; no more reminders);
    every pledge loses its link to the person. Amounts and dates stay as
    anonymous figures."""
    from .services import pledge_cancel

    open_ids = Pledge.objects.filter(
        supporter=supporter, status__in=Pledge.OPEN_STATUSES
    ).values_list("pk", flat=True)
    for pledge_id in list(open_ids):
        pledge_cancel(pledge_id=pledge_id)
    Pledge.objects.filter(supporter=supporter).update(
        supporter=None, source="", anonymised_at=timezone.now()
    )
