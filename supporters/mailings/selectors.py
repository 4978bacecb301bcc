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
    finished = mailing.status in (Mailing.Status.SENT, Mailing.Status.CANCELLED)
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
        "finished": finished,
        "as_of": timezone.now().isoformat(),
    }
