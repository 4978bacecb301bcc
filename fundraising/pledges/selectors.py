"""Reads about pledges that pages, emails and the admin share.

pledges_called_in_by(*, milestone_key, appeal=None) -> {"count", "amount_pence"}
    the confirmed pledges a milestone would call in (shown before staff
    confirm "milestone reached")
expected_income_by_month(*, appeal=None) -> list of
    {"month": date (1st), "count", "amount_pence"} for outstanding pledges
    with a due date, plus one row with month None for milestone pledges
    not yet called in
pledges_open_on(*, appeal) -> {"confirmed", "amount", "unconfirmed"}
    what closing the appeal would settle (shown before staff confirm)
pledged_totals_actual(*, appeal) -> {"pledged_pence", "pledges_outstanding"}
    what the stored totals should say (drift check)
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from .models import Pledge

OUTSTANDING = Q(status=Pledge.Status.CONFIRMED)


def pledges_called_in_by(*, milestone_key, appeal=None) -> dict:
    rows = Pledge.objects.filter(
        OUTSTANDING, milestone_key=milestone_key, due_date__isnull=True
    )
    if appeal is not None:
        rows = rows.filter(appeal=appeal)
    figures = rows.aggregate(
        count=Count("pk"), amount_pence=Sum("amount_pence", default=0)
    )
    return {"count": figures["count"], "amount_pence": figures["amount_pence"]}


def pledges_open_on(*, appeal) -> dict:
    from fundraising.money import format_pence

    figures = Pledge.objects.filter(appeal=appeal).aggregate(
        confirmed=Count("pk", filter=OUTSTANDING),
        amount_pence=Sum("amount_pence", filter=OUTSTANDING, default=0),
        unconfirmed=Count("pk", filter=Q(status=Pledge.Status.UNCONFIRMED)),
    )
    return {**figures, "amount": format_pence(figures["amount_pence"])}


def expected_income_by_month(*, appeal=None) -> list[dict]:
    rows = Pledge.objects.filter(OUTSTANDING)
    if appeal is not None:
        rows = rows.filter(appeal=appeal)
    months = list(
        rows.filter(due_date__isnull=False)
        .annotate(month=TruncMonth("due_date"))
        .values("month")
        .annotate(count=Count("pk"), amount_pence=Sum("amount_pence"))
        .order_by("month")
    )
    waiting = rows.filter(due_date__isnull=True).aggregate(
        count=Count("pk"), amount_pence=Sum("amount_pence", default=0)
    )
    if waiting["count"]:
        months.append({"month": None, **waiting})
    return months


def pledged_totals_actual(*, appeal) -> dict:
    figures = Pledge.objects.filter(OUTSTANDING, appeal=appeal).aggregate(
        pledged_pence=Sum("amount_pence", default=0), pledges_outstanding=Count("pk")
    )
    return figures
