"""Daily upkeep: unconfirmed pledges expire, stale outstanding ones lapse,
and ended pledges are anonymised after the retention period.

    pledges_expire_unconfirmed(*, now=None) -> int   older than 7 days
    pledges_lapse(*, now=None) -> int
        confirmed, unpaid, due more than PLEDGES_LAPSE_DAYS ago and both
        reminders sent: they leave the "pledged" total, which would otherwise
        promise money that is not coming
    pledges_anonymise(*, now=None) -> int
        cancelled or expired more than PLEDGES_RETENTION_MONTHS ago: the link
        to the person goes; amount, appeal and dates stay for the figures
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import schedule
from .models import Pledge, PledgeReminder
from .services import UNCONFIRMED_EXPIRY, pledge_expire

Status = Pledge.Status


def pledges_expire_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    # Unconfirmed pledges never counted in a total: one UPDATE is enough.
    stale = Pledge.objects.filter(
        status=Status.UNCONFIRMED, created_at__lt=now - UNCONFIRMED_EXPIRY
    )
    return stale.update(status=Status.EXPIRED, ended_at=now)


def pledges_lapse(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = schedule.london_today(now) - datetime.timedelta(
        days=settings.PLEDGES_LAPSE_DAYS
    )
    ids = (
        Pledge.objects.filter(status=Status.CONFIRMED, due_date__lt=cutoff)
        .exclude(reminders__status=PledgeReminder.Status.PENDING)
        .values_list("pk", flat=True)
    )
    count = 0
    for pledge_id in ids.iterator(chunk_size=500):
        pledge_expire(pledge_id=pledge_id, now=now)  # moves the totals
        count += 1
    return count


def pledges_anonymise(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    months = settings.PLEDGES_RETENTION_MONTHS
    cutoff = now - datetime.timedelta(days=round(months * 365.25 / 12))
    old = Pledge.objects.filter(
        Q(status__in=[Status.CANCELLED, Status.EXPIRED, Status.RELEASED]),
        ended_at__lt=cutoff,
        anonymised_at__isnull=True,
    )
    return old.update(supporter=None, source="", anonymised_at=now)
