"""Reads shared by pages, the admin and exports."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from fundraising.models import Donation


def local_midnight(day: datetime.date) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def income_between(start: datetime.datetime, end: datetime.datetime | None = None):
    """Net card income (after refunds and disputes) paid in [start, end)."""
    rows = Donation.objects.filter(paid_at__gte=start)
    if end is not None:
        rows = rows.filter(paid_at__lt=end)
    return rows.aggregate(pence=Sum("counted_pence", default=0), gifts=Count("id"))


def income_summary(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    week_start = today - datetime.timedelta(days=today.weekday())
    return {
        "week": income_between(local_midnight(week_start)),
        "month": income_between(local_midnight(today.replace(day=1))),
    }


def appeal_income_series(
    *, appeal, weeks: int = 12, today: datetime.date | None = None
) -> list[dict]:
    """The appeal's running totals at the end of each of the last ``weeks``
    weeks, oldest first: ``{"week": start date, "cards", "crowdjustice",
    "other"}`` in pence. Cards are net of refunds; CrowdJustice is the latest
    running total entered by then; other external money adds up by date.
    Three queries whatever the number of gifts."""
    from fundraising.models import ExternalContribution

    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=today.weekday(), weeks=weeks - 1)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    gifts = Donation.objects.filter(appeal=appeal, paid_at__isnull=False)
    before = gifts.filter(paid_at__lt=local_midnight(first)).aggregate(
        pence=Sum("counted_pence", default=0)
    )["pence"]
    by_week = {
        row["week"].date(): row["pence"]
        for row in gifts.filter(paid_at__gte=local_midnight(first))
        .annotate(week=TruncWeek("paid_at", tzinfo=zone))
        .values("week")
        .annotate(pence=Sum("counted_pence"))
    }
    external = list(
        ExternalContribution.objects.filter(appeal=appeal)
        .order_by("received_on", "pk")
        .values_list("source", "received_on", "amount_pence")
    )
    series, cards = [], before
    for n in range(weeks):
        start = first + datetime.timedelta(weeks=n)
        end = start + datetime.timedelta(days=7)
        cards += by_week.get(start, 0)
        crowdjustice = [
            pence
            for source, day, pence in external
            if source == ExternalContribution.Source.CROWDJUSTICE and day < end
        ]
        series.append(
            {
                "week": start,
                "cards": cards,
                "crowdjustice": crowdjustice[-1] if crowdjustice else 0,
                "other": sum(
                    pence
                    for source, day, pence in external
                    if source != ExternalContribution.Source.CROWDJUSTICE and day < end
                ),
            }
        )
    return series


def donations_for_accounts(*, start=None, end=None, appeal_id=None) -> QuerySet:
    rows = (
        Donation.objects.filter(paid_at__isnull=False)
        .select_related("appeal", "supporter", "gift_aid_declaration")
        .order_by("paid_at", "pk")
    )
    if start:
        rows = rows.filter(paid_at__gte=local_midnight(start))
    if end:
        rows = rows.filter(paid_at__lt=local_midnight(end + datetime.timedelta(days=1)))
    if appeal_id:
        rows = rows.filter(appeal_id=appeal_id)
    return rows


def donations_for_gift_aid(*, start=None, end=None) -> QuerySet:
    """Paid gifts under a live declaration, less anything refunded in full."""
    return (
        donations_for_accounts(start=start, end=end)
        .filter(gift_aid_declaration__isnull=False)
        .filter(
            Q(gift_aid_declaration__cancelled_at__isnull=True)
            | Q(gift_aid_declaration__cancelled_at__gt=F("paid_at"))
        )
        .exclude(status__in=[Donation.Status.REFUNDED, Donation.Status.DISPUTED])
    )
