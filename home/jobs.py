"""Failed background tasks are recorded, logged and shown, never silent.

Celery sends ``task_failure`` whether a task runs on a worker or in-process
(the embedded default), so one receiver covers both. Tasks that own a status
page (a mailing, an import) record their failure there and do not raise;
everything else (the sweeps, above all) lands here and on the dashboard.
A later success of the same argument-less task (the next sweep tick) closes
its open failures, so the list shows what is broken now.
"""

from __future__ import annotations

import json
import logging

from celery import current_app, signals
from django.db import DatabaseError
from django.utils import timezone

from supporters.jobs import failure_reason

from .models import TaskFailure

logger = logging.getLogger(__name__)
PANEL_LIMIT = 10


def _json_args(args) -> list:
    try:
        return json.loads(json.dumps(list(args or [])))
    except (TypeError, ValueError):
        return []


@signals.task_failure.connect
def task_failure_record(sender=None, exception=None, args=None, **_kwargs) -> None:
    name = getattr(sender, "name", "unknown task")
    reason = failure_reason(exception) if exception else "It stopped."
    logger.error("Background task %s failed: %s", name, reason)
    try:
        TaskFailure.objects.create(
            task_name=name, task_args=_json_args(args), reason=reason
        )
    except DatabaseError:  # the database may be why it failed: the log has it
        logger.exception("Could not record the failure of %s", name)


@signals.task_success.connect
def task_success_resolve(sender=None, **_kwargs) -> None:
    """An argument-less task (a sweep) that succeeds closes its failures."""
    request = getattr(sender, "request", None)
    if request is None or request.args:
        return
    try:
        TaskFailure.objects.filter(
            task_name=sender.name, resolved_at__isnull=True
        ).update(resolved_at=timezone.now())
    except DatabaseError:
        logger.exception("Could not close the failures of %s", sender.name)


def task_failures_open(*, limit: int = PANEL_LIMIT) -> list[TaskFailure]:
    return list(TaskFailure.objects.filter(resolved_at__isnull=True)[:limit])


def task_failure_retry(*, failure: TaskFailure) -> bool:
    """Run the task again with its arguments (tasks are idempotent and take
    ids) and close this failure; a new failure is recorded if it raises."""
    task = current_app.tasks.get(failure.task_name)
    closed = TaskFailure.objects.filter(pk=failure.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    if task is None or not closed:
        return False
    logger.info("Task %s run again by staff", failure.task_name)
    task.apply_async(args=failure.task_args)
    return True


def task_failure_dismiss(*, failure: TaskFailure) -> None:
    TaskFailure.objects.filter(pk=failure.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
