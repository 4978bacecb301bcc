"""The Celery application.

Settings come from Django settings under the ``CELERY_`` namespace; tasks are
discovered from each app's ``tasks.py``. The beat schedule is defined here, in
code, and exactly one beat process runs it (``make beat`` / the Procfile).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("campaign")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each entry: a thin task that takes no arguments and sweeps the database for
# due work, so a missed tick is caught up by the next one.
app.conf.beat_schedule = {
    "heartbeat": {"task": "home.tasks.heartbeat_record", "schedule": 60.0},
    "publish-scheduled-pages": {
        "task": "home.tasks.scheduled_pages_publish",
        "schedule": 60.0,
    },
    # Supporters: send anything the broker missed; daily retention.
    "email-outbox-sweep": {
        "task": "supporters.tasks.email_outbox_sweep",
        "schedule": 60.0,
    },
    "supporters-retention": {
        "task": "supporters.tasks.retention_run",
        "schedule": crontab(hour=3, minute=15),
    },
    # Mailings: start scheduled sends, reclaim dead workers' batches, wake
    # mailings whose workers went quiet (in the literal: reading
    # app.conf here would load Django settings at import time).
    "mailings-sweep": {"task": "mailings.sweep", "schedule": 60.0},
    # Fundraising: apply stored Stripe events that failed or were waiting.
    "stripe-events-sweep": {
        "task": "fundraising.tasks.stripe_events_sweep",
        "schedule": 300.0,
    },
    "monthly-cancels-sweep": {
        "task": "fundraising.tasks.monthly_cancels_sweep",
        "schedule": 300.0,
    },
    "donations-pending-expire": {
        "task": "fundraising.tasks.donations_pending_expire",
        "schedule": crontab(minute=20),
    },
    "gift-aid-retention": {
        "task": "fundraising.tasks.gift_aid_retention_sweep",
        "schedule": crontab(hour=3, minute=50),
    },
    # Pledges: claim and send due reminders (each at most once); daily upkeep.
    "pledge-reminders-sweep": {
        "task": "pledges.tasks.pledge_reminders_sweep",
        "schedule": 60.0,
    },
    "pledges-housekeeping": {
        "task": "pledges.tasks.pledges_housekeeping",
        "schedule": crontab(hour=3, minute=40),
    },
}
BEAT_SCHEDULE_DAILY = crontab(hour=3, minute=15)


@app.task(name="config.run_django_task", acks_late=True)
def run_django_task(task_path: str, args: list, kwargs: dict) -> None:
    """Execute a Django-tasks task (see config.tasks_backend) on a worker."""
    from django.utils.module_loading import import_string

    task = import_string(task_path)
    task.call(*args, **kwargs)
