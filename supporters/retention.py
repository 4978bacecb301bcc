"""Retention, run daily by beat (supporters.tasks.retention_run).

Interface:
    retention_run(*, now=None) -> dict   counts of what was done

- Unconfirmed sign-ups are deleted SUPPORTERS_UNCONFIRMED_RETENTION_DAYS
  (30) after their last activity: people who asked for a confirmation email
  and never clicked it, and gave us nothing else (no consent on record, no
  confirmed list). Deleted through the privacy registry so other apps tidy up.
- Supporters inactive for SUPPORTERS_INACTIVE_REVIEW_MONTHS (24) are flagged
  for staff review (the admin list filters on it); nothing is deleted
  automatically, because a donor's records may have to be kept.
- Used single-use token records older than any token's lifetime, and import
  files left behind by an abandoned dry run, are removed.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import tokens
from .importing import IMPORT_DIR, import_storage
from .models import ConsentRecord, Subscription, Supporter
from .privacy import supporter_erase

logger = logging.getLogger(__name__)


def unconfirmed_signups(*, now):
    cutoff = now - datetime.timedelta(
        days=settings.SUPPORTERS_UNCONFIRMED_RETENTION_DAYS
    )
    subscriptions = Subscription.objects.filter(supporter=OuterRef("pk"))
    return (
        Supporter.objects.filter(created_at__lt=cutoff, last_active_at__lt=cutoff)
        .filter(Exists(subscriptions.filter(status=Subscription.Status.UNCONFIRMED)))
        .exclude(Exists(subscriptions.exclude(status=Subscription.Status.UNCONFIRMED)))
        .exclude(Exists(ConsentRecord.objects.filter(supporter=OuterRef("pk"))))
    )


def _months_ago(now, months: int) -> datetime.datetime:
    return now - datetime.timedelta(days=round(months * 30.44))


def _old_import_files(now) -> int:
    """Uploaded import files older than a day (the import reads them within
    minutes). Storages that cannot list or date files keep theirs, and a
    missing folder means nothing was ever uploaded."""
    storage = import_storage()
    try:
        _dirs, files = storage.listdir(IMPORT_DIR)
    except (NotImplementedError, OSError):
        return 0
    removed = 0
    for name in files:
        path = f"{IMPORT_DIR}/{name}"
        try:
            modified = storage.get_modified_time(path)
        except (NotImplementedError, OSError):
            continue
        if modified < now - datetime.timedelta(days=1):
            storage.delete(path)
            removed += 1
    return removed


def retention_run(*, now=None) -> dict:
    now = now or timezone.now()
    deleted = 0
    for supporter in unconfirmed_signups(now=now).iterator(chunk_size=500):
        supporter_erase(supporter=supporter, source="retention", suppress=False)
        deleted += 1
    flagged = Supporter.objects.filter(
        last_active_at__lt=_months_ago(now, settings.SUPPORTERS_INACTIVE_REVIEW_MONTHS),
        review_flagged_at__isnull=True,
    ).update(review_flagged_at=now)
    tokens_removed = tokens.used_tokens_prune(now=now)
    result = {
        "unconfirmed_deleted": deleted,
        "flagged_for_review": flagged,
        "used_tokens_removed": tokens_removed,
        "import_files_removed": _old_import_files(now),
    }
    logger.info("Supporters retention: %s", result)
    return result
