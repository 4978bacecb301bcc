"""Thin Celery tasks of the supporters app (they take ids, call one service)."""

from __future__ import annotations

from celery import shared_task

from . import emails

MAX_SEND_RETRIES = 6


@shared_task(bind=True, name="supporters.tasks.email_send", acks_late=True)
def email_send(self, log_id: int) -> None:
    try:
        emails.email_send(log_id=log_id)
    except emails.TemporaryEmailFailure as error:
        if self.request.is_eager:
            return  # in-process: the row stays queued for the outbox sweep
        if self.request.retries >= MAX_SEND_RETRIES:
            emails.email_mark_failed(log_id=log_id, error=f"Gave up: {error}")
            return
        # 30 s, 1 min, 2 min ... capped at an hour.
        countdown = min(30 * 2**self.request.retries, 3600)
        raise self.retry(
            exc=error, countdown=countdown, max_retries=MAX_SEND_RETRIES
        ) from error


@shared_task(name="supporters.tasks.email_outbox_sweep")
def email_outbox_sweep() -> None:
    emails.email_outbox_sweep()


@shared_task(name="supporters.tasks.retention_run")
def retention_run() -> None:
    from . import retention

    retention.retention_run()


@shared_task(name="supporters.tasks.supporter_import_run", acks_late=True)
def supporter_import_run(import_id: int) -> None:
    from . import importing

    importing.supporter_import_run(import_id=import_id)
