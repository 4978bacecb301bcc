"""The send loop every worker runs: claim, re-check, one call, mark.

Interface:
    mailing_deliver(*, mailing_id, budget_seconds=None) -> str
        "stopped" (not sending), "done" (finished), "waiting" (other workers
        hold leases: look again later), "retry" (temporary provider trouble:
        back off), "continue" (budget spent: hand over to a fresh task)
    deliveries_reclaim(*, mailing_id=None) -> int   (rows made "uncertain")
    mailing_finish_if_done(*, mailing_id) -> bool

Exactly once, and its trade-off
-------------------------------
A worker takes the rate-limit tokens for a batch, then in ONE transaction
locks up to a batch of pending rows (SELECT ... FOR UPDATE SKIP LOCKED),
re-checks consent and suppression, and marks the rows "sending" with a lease
(the others "skipped"). Rows are claimed in the database, never with a lock
file or in memory, so two workers started at the same instant, on one
machine or two, get disjoint rows. Then one provider call; then each row
becomes sent, failed or uncertain.

If a worker dies (SIGKILL, lost machine) while its rows are "sending", the
lease expires and they become "uncertain": the call may or may not have
reached the provider, so they are NOT sent again automatically. The same
goes for a call that times out waiting for the answer or drops mid-way.
We prefer "at most once" for those few rows (at most one batch per crash)
over a duplicate to up to a whole batch of people: a second copy of a
campaign email is what gets a sender reported as spam, and the report shows
the uncertain count so staff can choose to send those again
(``mailing_uncertain_resend``). Providers with an idempotency key could make
that resend safe; anymail passes none for Postmark's batch API, so none is
used. The price of claiming straight into "sending": a worker killed in the
moment between the commit and the HTTP request leaves its batch uncertain
although nothing was sent (a window of microseconds, against a whole UPDATE
of every row saved per batch).
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from supporters.addresses import email_hash, email_mask
from supporters.models import Subscription, Suppression

from .compose import Compiled, mailing_compiled
from .models import Delivery, Mailing
from .provider import Recipient, batch_send
from .ratelimit import rate_acquire

logger = logging.getLogger(__name__)
D = Delivery.Status
M = Mailing.Status
_compiled_cache: dict[tuple, Compiled] = {}


def _compiled(mailing: Mailing) -> Compiled:
    # Frozen content never changes once sending starts: cache per process.
    # Keyed by when the row was last saved and when sending started as well
    # as the id: SQLite reuses the id of a deleted newest row, and a new
    # mailing must never go out with the old one's content.
    key = (mailing.pk, mailing.updated_at, mailing.started_at)
    if key not in _compiled_cache:
        if len(_compiled_cache) > 20:
            _compiled_cache.clear()
        _compiled_cache[key] = mailing_compiled(mailing=mailing)
    return _compiled_cache[key]


def _lease() -> timedelta:
    return timedelta(seconds=settings.MAILINGS_LEASE_SECONDS)


def deliveries_reclaim(*, mailing_id: int | None = None) -> int:
    """Rows still "sending" after their lease: the worker died mid-call.
    They become "uncertain" (see the module docstring). Each check is an
    index lookup per mailing that may have been sending."""
    now = timezone.now()
    if mailing_id is not None:
        mailing_ids = [mailing_id]
    else:
        mailing_ids = Mailing.objects.filter(
            status__in=[M.SENDING, M.PAUSED, M.CANCELLED, M.FAILED]
        ).values_list("pk", flat=True)
    uncertain = 0
    for mid in mailing_ids:
        with transaction.atomic():
            count = Delivery.objects.filter(
                mailing_id=mid, status=D.SENDING, lease_until__lt=now
            ).update(
                status=D.UNCERTAIN,
                lease_until=None,
                error="The worker stopped during the provider call",
            )
            if count:
                Mailing.objects.filter(pk=mid).update(
                    uncertain_count=F("uncertain_count") + count
                )
        if count:
            uncertain += count
            logger.warning("Mailing %s: %d deliveries marked uncertain", mid, count)
    return uncertain


def _batch_size() -> int:
    # Never more than the provider takes in one call, nor than a minute allows.
    return min(settings.MAILINGS_BATCH_SIZE, settings.MAILINGS_RATE_PER_MINUTE)


def _claim(mailing: Mailing) -> tuple[str, int, list[dict]]:
    """Lock up to one batch of pending rows (SKIP LOCKED: concurrent workers
    get disjoint rows), re-check consent and suppression, and in the same
    transaction mark the wanted rows "sending" under a lease and the others
    "skipped". Returns (claim token, rows locked, rows to send)."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(mailing=mailing, status=D.PENDING)
            .order_by("id")
            .values(
                "id",
                "supporter_id",
                "supporter__email",
                "supporter__first_name",
                "supporter__last_name",
            )[: _batch_size()]
        )
        if not rows:
            return token, 0, []
        locked = len(rows)
        wanted = _still_wanted(mailing, rows)
        _skip(mailing, [r["id"] for r in rows if r["supporter_id"] not in wanted])
        rows = [r for r in rows if r["supporter_id"] in wanted]
        claimed = Delivery.objects.filter(
            id__in=[r["id"] for r in rows], status=D.PENDING
        ).update(
            status=D.SENDING,
            claim_token=token,
            lease_until=timezone.now() + _lease(),
            attempts=F("attempts") + 1,
        )
        if claimed != len(rows):
            # Only without SKIP LOCKED (SQLite, where select_for_update does
            # nothing): another claimer took some of these rows between our
            # SELECT and this UPDATE. SQLite's single writer makes the
            # conditional UPDATE the real claim; send only what it gave us.
            mine = set(
                Delivery.objects.filter(claim_token=token).values_list("id", flat=True)
            )
            rows = [r for r in rows if r["id"] in mine]
    return token, locked, rows


def _still_wanted(mailing: Mailing, rows: list[dict]) -> set[int]:
    """Consent and suppression, checked again now, not only at snapshot.

    Someone who left the list or was suppressed since the snapshot is
    skipped. Tags and groups are not re-evaluated: the snapshot defined the
    segment. Both queries are driven by the batch's own ids (index lookups),
    so their cost does not grow with the audience.
    """
    supporter_ids = [r["supporter_id"] for r in rows if r["supporter_id"]]
    subscribed = Subscription.objects.filter(
        supporter_id__in=supporter_ids, status=Subscription.Status.CONFIRMED
    )
    topic_ids = list(mailing.topics.values_list("pk", flat=True))
    if topic_ids:
        subscribed = subscribed.filter(topic_id__in=topic_ids)
    consenting = set(subscribed.values_list("supporter_id", flat=True))
    hashes = {
        r["supporter_id"]: email_hash(r["supporter__email"])
        for r in rows
        if r["supporter_id"]
    }
    suppressed = set(
        Suppression.objects.filter(email_hash__in=hashes.values()).values_list(
            "email_hash", flat=True
        )
    )
    return {sid for sid in consenting if hashes.get(sid) not in suppressed}


def _skip(mailing: Mailing, ids: list[int]) -> None:
    if not ids:
        return
    with transaction.atomic():
        count = Delivery.objects.filter(id__in=ids, status=D.PENDING).update(
            status=D.SKIPPED, lease_until=None, error="Suppressed or left the list"
        )
        Mailing.objects.filter(pk=mailing.pk).update(
            skipped_count=F("skipped_count") + count
        )


def _release(mailing: Mailing, token: str, *, error: str = "") -> None:
    """Give a batch back untouched (the provider certainly did not take it)."""
    Delivery.objects.filter(
        mailing=mailing, status=D.SENDING, claim_token=token
    ).update(status=D.PENDING, claim_token="", lease_until=None, error=error[:255])


_MARK_SQL = """
UPDATE {table} AS d
SET status = v.status, provider_message_id = v.message_id, error = v.error,
    sent_at = CASE WHEN v.status = 'sent' THEN %s::timestamptz END,
    lease_until = NULL
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[])
     AS v(id, status, message_id, error)
WHERE d.id = v.id AND d.status = 'sending'
"""


def _write_outcomes(ids, statuses, message_ids, errors, now) -> None:
    """One statement for the whole batch (bulk_update's CASE is far slower)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _MARK_SQL.format(table=Delivery._meta.db_table),
                [now, ids, statuses, message_ids, errors],
            )
        return
    for pk, status, message_id, error in zip(
        ids, statuses, message_ids, errors, strict=True
    ):
        Delivery.objects.filter(pk=pk, status=D.SENDING).update(
            status=status,
            provider_message_id=message_id,
            error=error,
            sent_at=now if status == D.SENT else None,
            lease_until=None,
        )


def _mark(mailing: Mailing, token: str, rows: list[dict], result) -> None:
    now = timezone.now()
    by_email = {r["supporter__email"]: r for r in rows}
    ids, statuses, message_ids, errors = [], [], [], []
    counts = {D.SENT: 0, D.FAILED: 0, D.UNCERTAIN: 0}
    for email, outcome in result.per_recipient.items():
        row = by_email.get(email)
        if row is None:
            continue
        status = {"sent": D.SENT, "failed": D.FAILED}.get(outcome.status, D.UNCERTAIN)
        counts[status] += 1
        ids.append(row["id"])
        statuses.append(str(status))
        message_ids.append(outcome.message_id[:255])
        errors.append(outcome.error[:255])
        if outcome.status == "failed":
            logger.info("Mailing %s: recipient rejected: %s", mailing.pk, outcome.error)
    with transaction.atomic():
        _write_outcomes(ids, statuses, message_ids, errors, now)
        Mailing.objects.filter(pk=mailing.pk).update(
            sent_count=F("sent_count") + counts[D.SENT],
            failed_count=F("failed_count") + counts[D.FAILED],
            uncertain_count=F("uncertain_count") + counts[D.UNCERTAIN],
            last_batch_at=now,
        )


def _mark_all_uncertain(mailing: Mailing, token: str, error: str) -> None:
    with transaction.atomic():
        count = Delivery.objects.filter(
            mailing=mailing, status=D.SENDING, claim_token=token
        ).update(status=D.UNCERTAIN, lease_until=None, error=error[:255])
        Mailing.objects.filter(pk=mailing.pk).update(
            uncertain_count=F("uncertain_count") + count
        )


def mailing_auto_pause(*, mailing_id: int, reason: str) -> bool:
    changed = Mailing.objects.filter(pk=mailing_id, status=M.SENDING).update(
        status=M.PAUSED, pause_reason=reason[:255]
    )
    if changed:
        logger.warning("Mailing %s paused: %s", mailing_id, reason)
    return bool(changed)


def _deliver_batch(mailing: Mailing) -> str:
    # Tokens for a whole batch first: a worker never holds rows while it waits.
    rate_acquire(_batch_size())
    token, locked, rows = _claim(mailing)
    if not rows:
        return "sent" if locked else "empty"  # all skipped: carry on
    # Point of no return: the rows are "sending"; a crash from here on leaves
    # them to become "uncertain" when the lease runs out.
    recipients = [
        Recipient(
            delivery_id=r["id"],
            supporter_id=r["supporter_id"],
            email=r["supporter__email"],
            first_name=r["supporter__first_name"],
            last_name=r["supporter__last_name"],
        )
        for r in rows
    ]
    result = batch_send(
        mailing=mailing,
        compiled=_compiled(mailing),
        recipients=recipients,
        extra_metadata={"mailing_batch": token},
    )
    if result.outcome == "done":
        _mark(mailing, token, rows, result)
        return "sent"
    if result.outcome == "retry":
        _release(mailing, token, error=result.error)
        logger.warning(
            "Mailing %s: temporary provider error: %s", mailing.pk, result.error
        )
        return "retry"
    if result.outcome == "refused":
        _release(mailing, token, error=result.error)
        mailing_auto_pause(
            mailing_id=mailing.pk,
            reason=f"The email provider refused the batch: {result.error}",
        )
        return "refused"
    _mark_all_uncertain(mailing, token, result.error)
    logger.error(
        "Mailing %s: outcome unknown for %d recipient(s) (first %s): %s",
        mailing.pk,
        len(rows),
        email_mask(rows[0]["supporter__email"]),
        result.error,
    )
    return "sent"


def mailing_finish_if_done(*, mailing_id: int) -> bool:
    busy = Delivery.objects.filter(
        mailing_id=mailing_id, status__in=[D.PENDING, D.SENDING]
    ).exists()
    if busy:
        return False
    done = Mailing.objects.filter(
        pk=mailing_id, status=M.SENDING, snapshot_at__isnull=False
    ).update(status=M.SENT, finished_at=timezone.now())
    if done:
        logger.info("Mailing %s finished", mailing_id)
    return bool(done)


def mailing_deliver(*, mailing_id: int, budget_seconds: float | None = None) -> str:
    budget = budget_seconds or settings.MAILINGS_TASK_SECONDS
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        mailing = Mailing.objects.filter(pk=mailing_id).first()
        if mailing is None or mailing.status != M.SENDING or not mailing.snapshot_at:
            return "stopped"
        outcome = _deliver_batch(mailing)
        if outcome in ("retry", "refused"):
            return outcome if outcome == "retry" else "stopped"
        if outcome == "empty":
            deliveries_reclaim(mailing_id=mailing_id)
            if Delivery.objects.filter(
                mailing_id=mailing_id, status=D.PENDING
            ).exists():
                continue
            if mailing_finish_if_done(mailing_id=mailing_id):
                return "done"
            return "waiting"  # other workers hold leases on the last batches
    return "continue"


def mailing_uncertain_resend(*, mailing_id: int) -> int:
    """Staff's explicit choice: send the uncertain ones again (some of them
    may get a second copy). They go back in the queue; a finished mailing
    goes back to sending."""
    with transaction.atomic():
        count = Delivery.objects.filter(
            mailing_id=mailing_id, status=D.UNCERTAIN
        ).update(status=D.PENDING, claim_token="", error="")
        Mailing.objects.filter(pk=mailing_id).update(
            uncertain_count=F("uncertain_count") - count
        )
        if count:
            Mailing.objects.filter(pk=mailing_id, status=M.SENT).update(
                status=M.SENDING, finished_at=None
            )
    return count
