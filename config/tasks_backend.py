"""Run Django-tasks (Wagtail's background work) on the Celery workers.

Wagtail enqueues its own jobs (reference-index updates, deleting replaced files)
through the Django tasks API. With a broker configured we hand each one to a
single generic Celery task, so the platform runs one kind of worker.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id


class CeleryTaskBackend(BaseTaskBackend):
    supports_defer = False
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def enqueue(self, task, args, kwargs):
        from config.celery import run_django_task

        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_path = f"{task.func.__module__}.{task.func.__qualname__}"
        # After commit: the job usually reads the row the request just wrote.
        transaction.on_commit(
            lambda: run_django_task.delay(task_path, list(args), dict(kwargs))
        )
        return result
