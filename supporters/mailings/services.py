"""Writes about mailings: create, test, send, schedule, pause, resume, cancel.

Interface (keyword-only; MailingError.messages are safe to show staff):
    mailing_create_from_content(*, subject, preheader="", body_blocks,
        source_page_id=None, created_by=None) -> Mailing (a draft)
    mailing_send_test(*, mailing, user) -> None       (sent by a task)
    mailing_send(*, mailing) -> Mailing               the "send" click
    mailing_schedule(*, mailing, when) -> Mailing
    mailing_pause / mailing_resume / mailing_cancel(*, mailing) -> Mailing
    mailing_fail(*, mailing_id, error) -> bool       a task raised: say why
    mailing_retry(*, mailing) -> Mailing              "Try again" after a failure
                                                      or a stall
    mailing_snapshot(*, mailing_id) -> int            the task's work
    mailings_sweep() -> None                          beat, every minute

The "send" click does only cheap, constant-time work: check, render once,
flip the status with a conditional UPDATE (a double click finds the status
already changed and gets a message, never a second send) and enqueue the
snapshot after commit. Snapshotting 100,000 recipients happens in a worker.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..jobs import failure_reason
from .audience import AudienceError, mailing_audience, mailing_audience_count
from .compose import mailing_compile, mailing_problems
from .content import stream_from_page_blocks
from .models import Delivery, Mailing
from .sending import deliveries_reclaim, mailing_finish_if_done

logger = logging.getLogger(__name__)
M = Mailing.Status


class MailingError(Exception):
    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def mailing_create_from_content(
    *,
    subject: str,
    preheader: str = "",
    body_blocks,
    source_page_id: int | None = None,
    created_by=None,
) -> Mailing:
    """A draft mailing from page content ("Send this update by email").

    ``body_blocks`` is a StreamField value or its raw data ([{"type",
    "value"}...]) using campaign's block names; blocks that cannot go in an
    email become a link or are left out (see content.py).
    """
    subject = " ".join((subject or "").split())
    if not subject:
        raise MailingError("The mailing needs a subject.")
    return Mailing.objects.create(
        subject=subject[:200],
        preheader=" ".join((preheader or "").split())[:200],
        body=stream_from_page_blocks(body_blocks),
        source_page_id=source_page_id,
        created_by=created_by,
    )


def _check(mailing: Mailing) -> None:
    problems = mailing_problems(mailing=mailing)
    if problems:
        raise MailingError(*problems)
    try:
        count = mailing_audience_count(mailing=mailing)
    except AudienceError as error:
        raise MailingError(str(error)) from error
    if count == 0:
        raise MailingError(
            "Nobody is in this audience: no confirmed subscriber matches the "
            "lists, tags and groups chosen. Change the audience and try again."
        )


def mailing_send_test(*, mailing: Mailing, user) -> None:
    problems = mailing_problems(mailing=mailing)
    if problems:
        raise MailingError(*problems)
    if not getattr(user, "email", ""):
        raise MailingError("Your account has no email address to send the test to.")
    from .tasks import mailing_test_send

    transaction.on_commit(lambda: mailing_test_send.delay(mailing.pk, user.pk))


def _start(mailing: Mailing, *, from_statuses) -> bool:
    """Freeze the content and flip to "sending", if nobody did it first."""
    compiled = mailing_compile(mailing=mailing)
    now = timezone.now()
    with transaction.atomic():
        started = Mailing.objects.filter(
            pk=mailing.pk, status__in=from_statuses
        ).update(
            status=M.SENDING,
            started_at=now,
            scheduled_at=None,
            pause_reason="",
            frozen_subject=compiled.subject,
            frozen_html=compiled.html,
            frozen_text=compiled.text,
            frozen_from=compiled.from_email,
        )
        if started:
            from .tasks import mailing_snapshot as snapshot_task

            pk = mailing.pk
            transaction.on_commit(lambda: snapshot_task.delay(pk))
    return bool(started)


def mailing_send(*, mailing: Mailing) -> Mailing:
    if not mailing.is_editable:
        raise MailingError(
            f"This mailing is already {mailing.get_status_display().lower()}: "
            "it was not sent again."
        )
    _check(mailing)
    if not _start(mailing, from_statuses=[M.DRAFT, M.SCHEDULED]):
        raise MailingError("This mailing has already been sent: it was not sent again.")
    mailing.refresh_from_db()
    logger.info("Mailing %s: send started", mailing.pk)
    return mailing


def mailing_schedule(*, mailing: Mailing, when) -> Mailing:
    if when is None or when <= timezone.now():
        raise MailingError("Choose a time in the future.")
    _check(mailing)
    changed = Mailing.objects.filter(
        pk=mailing.pk, status__in=[M.DRAFT, M.SCHEDULED]
    ).update(status=M.SCHEDULED, scheduled_at=when)
    if not changed:
        raise MailingError("Only a draft can be scheduled.")
    mailing.refresh_from_db()
    return mailing


def _enqueue_workers(mailing_id: int, count: int | None = None) -> None:
    from .tasks import mailing_deliver

    for _ in range(count or settings.MAILINGS_WORKERS):
        transaction.on_commit(lambda: mailing_deliver.delay(mailing_id))


def mailing_kick(*, mailing: Mailing) -> None:
    """Start send workers for a mailing that is sending (after a resend)."""
    with transaction.atomic():
        _enqueue_workers(mailing.pk)


def mailing_pause(*, mailing: Mailing, reason: str = "Paused by staff") -> Mailing:
    changed = Mailing.objects.filter(pk=mailing.pk, status=M.SENDING).update(
        status=M.PAUSED, pause_reason=reason[:255]
    )
    if not changed:
        raise MailingError("Only a mailing that is sending can be paused.")
    mailing.refresh_from_db()
    return mailing


def mailing_resume(*, mailing: Mailing) -> Mailing:
    changed = Mailing.objects.filter(pk=mailing.pk, status=M.PAUSED).update(
        status=M.SENDING, pause_reason=""
    )
    if not changed:
        raise MailingError("Only a paused mailing can be resumed.")
    mailing.refresh_from_db()
    if mailing.snapshot_at is None:
        from .tasks import mailing_snapshot as snapshot_task

        transaction.on_commit(lambda: snapshot_task.delay(mailing.pk))
    else:
        _enqueue_workers(mailing.pk)
    return mailing


def mailing_cancel(*, mailing: Mailing) -> Mailing:
    changed = Mailing.objects.filter(
        pk=mailing.pk, status__in=[M.SCHEDULED, M.SENDING, M.PAUSED, M.FAILED]
    ).update(status=M.CANCELLED, finished_at=timezone.now())
    if not changed:
        raise MailingError(
            "Only a scheduled, sending or paused mailing can be cancelled."
        )
    mailing.refresh_from_db()
    return mailing


def mailing_fail(*, mailing_id: int, error: BaseException) -> bool:
    """A send task raised: stop the mailing and record why, so its status
    page says "Failed" with a reason instead of waiting for ever. Rows
    already sent stay sent; a retry carries on from where it stopped."""
    reason = failure_reason(error)
    changed = Mailing.objects.filter(
        pk=mailing_id, status__in=[M.SENDING, M.PAUSED]
    ).update(status=M.FAILED, failure_reason=reason)
    logger.error("Mailing %s: failed: %s", mailing_id, reason)
    return bool(changed)


def mailing_retry(*, mailing: Mailing) -> Mailing:
    """Start a failed or stalled mailing's background work again. Safe to
    repeat: the snapshot skips rows already there and workers claim only
    rows still pending, so nobody gets the message twice."""
    changed = Mailing.objects.filter(
        pk=mailing.pk, status__in=[M.FAILED, M.SENDING]
    ).update(status=M.SENDING, failure_reason="")
    if not changed:
        raise MailingError("Only a failed or sending mailing can be started again.")
    mailing.refresh_from_db()
    logger.info("Mailing %s: started again by staff", mailing.pk)
    with transaction.atomic():
        if mailing.snapshot_at is None:
            from .tasks import mailing_snapshot as snapshot_task

            pk = mailing.pk
            transaction.on_commit(lambda: snapshot_task.delay(pk))
        else:
            deliveries_reclaim()
            _enqueue_workers(mailing.pk)
    return mailing


_INSERT = """
INSERT INTO {table} (mailing_id, supporter_id, status, attempts, claim_token,
                     provider_message_id, error)
SELECT %s, audience.id, 'pending', 0, '', '', ''
FROM ({audience}) AS audience
WHERE true
ON CONFLICT (mailing_id, supporter_id) DO NOTHING
"""


def mailing_snapshot(*, mailing_id: int) -> int:
    """One row per recipient, in one INSERT ... SELECT (the database does the
    work; nothing is loaded into Python). Idempotent: ON CONFLICT skips rows
    already there, and a finished snapshot is never redone. The ``WHERE true``
    is for SQLite, whose parser otherwise reads ``ON`` as a join constraint of
    the SELECT; PostgreSQL ignores it."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.status not in (M.SENDING, M.PAUSED):
            return 0
        if mailing.snapshot_at is None:
            audience_sql, params = (
                mailing_audience(mailing=mailing).values("id").query.sql_with_params()
            )
            sql = _INSERT.format(table=Delivery._meta.db_table, audience=audience_sql)
            with connection.cursor() as cursor:
                cursor.execute(sql, [mailing.pk, *params])
            total = Delivery.objects.filter(mailing=mailing).count()
            Mailing.objects.filter(pk=mailing.pk).update(
                recipients_total=total, snapshot_at=timezone.now()
            )
            logger.info("Mailing %s: %d recipients snapshotted", mailing.pk, total)
            mailing.recipients_total = total
        if mailing.status == M.SENDING:
            if mailing.recipients_total == 0:
                transaction.on_commit(
                    lambda: mailing_finish_if_done(mailing_id=mailing_id)
                )
            else:
                _enqueue_workers(mailing.pk)
    return mailing.recipients_total


def mailings_sweep() -> None:
    """Beat: start what is due, free dead workers' leases, wake quiet mailings."""
    from .tasks import mailing_snapshot as snapshot_task

    now = timezone.now()
    for mailing in Mailing.objects.filter(status=M.SCHEDULED, scheduled_at__lte=now):
        try:
            _start(mailing, from_statuses=[M.SCHEDULED])
        except Exception:
            logger.exception("Mailing %s: scheduled start failed", mailing.pk)
            Mailing.objects.filter(pk=mailing.pk, status=M.SCHEDULED).update(
                status=M.PAUSED, pause_reason="Could not start at the scheduled time"
            )
    deliveries_reclaim()
    quiet = now - timedelta(seconds=settings.MAILINGS_LEASE_SECONDS)
    for mailing in Mailing.objects.filter(status=M.SENDING):
        if mailing.snapshot_at is None:
            if mailing.started_at and mailing.started_at < now - timedelta(minutes=2):
                snapshot_task.delay(mailing.pk)
        elif mailing_finish_if_done(mailing_id=mailing.pk):
            continue
        elif mailing.last_batch_at is None or mailing.last_batch_at < quiet:
            with transaction.atomic():
                _enqueue_workers(mailing.pk, count=1)


def mailing_test_deliver(*, mailing_id: int, user_id: int) -> str:
    """Send the current draft to one staff member, through the same provider
    path as the real thing (template, merge data, headers), marked [Test]."""
    from django.contrib.auth import get_user_model

    from supporters.services import supporter_get_by_email

    from .compose import Compiled
    from .provider import Recipient, batch_send

    mailing = Mailing.objects.filter(pk=mailing_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if mailing is None or user is None or not user.email:
        return "gone"
    compiled = mailing_compile(mailing=mailing)
    compiled = Compiled(
        subject=f"[Test] {compiled.subject}",
        html=compiled.html,
        text=compiled.text,
        from_email=compiled.from_email,
    )
    supporter = supporter_get_by_email(user.email)
    result = batch_send(
        mailing=mailing,
        compiled=compiled,
        recipients=[
            Recipient(
                delivery_id=0,
                supporter_id=supporter.pk if supporter else 0,
                email=user.email,
                first_name=user.first_name,
                last_name=user.last_name,
            )
        ],
        extra_metadata={"mailing_test": "1"},
    )
    logger.info("Mailing %s: test send %s", mailing_id, result.outcome)
    return result.outcome
