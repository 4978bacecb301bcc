"""Reads about mailings that the admin pages and the JSON endpoint share."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from .audience import AudienceError, mailing_audience_count
from .models import Mailing


def audience_count_or_error(*, mailing: Mailing) -> tuple[int | None, str]:
    """(how many it would go to now, "") for drafts, or (None, why not)."""
    if not mailing.is_editable:
        return mailing.recipients_total, ""
    try:
        return mailing_audience_count(mailing=mailing), ""
    except AudienceError as error:
        return None, str(error)


# A snapshot normally takes seconds; sending batches report every few.
SNAPSHOT_STALL_SECONDS = 120


def mailing_stalled_seconds(*, mailing: Mailing, now=None) -> int | None:
    """How long a sending mailing has gone without any background work, once
    that is longer than any healthy pause (a lost task, a dead worker, no
    beat to wake it); None while it is healthy or not sending. Staff then
    see it and can start it again instead of watching a bar that never
    moves."""
    if mailing.status != Mailing.Status.SENDING:
        return None
    now = now or timezone.now()
    if mailing.snapshot_at is None:
        since, allowed = mailing.started_at, SNAPSHOT_STALL_SECONDS
    else:
        if mailing.processed_count >= mailing.recipients_total:
            return None
        since = mailing.last_batch_at or mailing.snapshot_at
        allowed = max(SNAPSHOT_STALL_SECONDS, 2 * settings.MAILINGS_LEASE_SECONDS)
    if since is None:
        return None
    quiet = int((now - since).total_seconds())
    return quiet if quiet > allowed else None


def mailing_progress(*, mailing: Mailing) -> dict:
    """Counters only (O(1)): sent of total, rate, time left, the report."""
    mailing.refresh_from_db()
    total = mailing.recipients_total
    done = mailing.processed_count
    rate = 0.0
    if mailing.started_at and mailing.last_batch_at and mailing.sent_count:
        elapsed = (mailing.last_batch_at - mailing.started_at).total_seconds()
        rate = mailing.sent_count / elapsed if elapsed > 0 else 0.0
    remaining = max(total - done, 0)
    finished = mailing.status in (
        Mailing.Status.SENT,
        Mailing.Status.CANCELLED,
        Mailing.Status.FAILED,
    )
    stalled = mailing_stalled_seconds(mailing=mailing)
    return {
        "id": mailing.pk,
        "status": mailing.status,
        "status_label": mailing.get_status_display(),
        "snapshotted": mailing.snapshot_at is not None,
        "total": total,
        "processed": done,
        "sent": mailing.sent_count,
        "failed": mailing.failed_count,
        "skipped": mailing.skipped_count,
        "uncertain": mailing.uncertain_count,
        "percent": round(100 * done / total, 1) if total else 0.0,
        "rate_per_second": round(rate, 1),
        "seconds_left": round(remaining / rate) if rate and not finished else None,
        "delivered": mailing.delivered_count,
        "bounced": mailing.bounced_count,
        "complained": mailing.complained_count,
        "unsubscribed": mailing.unsubscribed_count,
        "opened": mailing.opened_count if settings.MAILINGS_TRACK_AGGREGATE else None,
        "clicked": mailing.clicked_count if settings.MAILINGS_TRACK_AGGREGATE else None,
        "pause_reason": mailing.pause_reason,
        "failure_reason": mailing.failure_reason,
        "stalled_minutes": None if stalled is None else stalled // 60,
        "finished": finished,
        "as_of": timezone.now().isoformat(),
    }
