"""Beat for the embedded default: the beat schedule, run in-process.

Without ``REDIS_URL`` there is no broker, so no Celery worker or beat; tasks
run in-process when they are enqueued. The schedule (config/celery.py) still
has to run for scheduled publishing, scheduled mailings, pledge reminders,
the outbox and the Stripe-event sweeps to work on a laptop. The development
server starts this thread (home/management/commands/runserver.py), in the
same process as the site, so it shares the in-memory cache the pages use.
Each due task runs with Celery's own eager ``apply`` (failures reach the
same signals, so they land on the dashboard). SQLite has no
``SKIP LOCKED``; one thread running the sweeps one after another is what
keeps them from racing here, as the row locks do on PostgreSQL.
"""

from __future__ import annotations

import logging
import threading

from celery.schedules import crontab, maybe_schedule
from django.db import close_old_connections

logger = logging.getLogger(__name__)
TICK_SECONDS = 5


class EmbeddedBeat(threading.Thread):
    def __init__(self, app, *, tick: float = TICK_SECONDS):
        super().__init__(name="embedded-beat", daemon=True)
        self.app = app
        self.tick = tick
        self.stopping = threading.Event()
        self.entries = {}
        app.loader.import_default_modules()  # every app's tasks.py, as a worker
        for key, entry in app.conf.beat_schedule.items():
            schedule = maybe_schedule(entry["schedule"], app=app)
            now = schedule.now()
            # Interval sweeps run at start-up (catching up, as beat would
            # after a pause); daily ones wait for their time.
            last = now if isinstance(schedule, crontab) else now - schedule.run_every
            self.entries[key] = [entry["task"], schedule, last]

    def run_due(self) -> list[str]:
        """Run every entry that is due now; returns the task names run."""
        ran = []
        for entry in self.entries.values():
            name, schedule, last = entry
            is_due, _next = schedule.is_due(last)
            if not is_due:
                continue
            entry[2] = schedule.now()
            task = self.app.tasks.get(name)
            if task is None:
                logger.error("Embedded beat: no task called %s", name)
                continue
            task.apply(throw=False)
            ran.append(name)
        return ran

    def run(self) -> None:
        logger.info("Embedded beat: running the schedule in-process")
        while not self.stopping.wait(self.tick):
            try:
                self.run_due()
            except Exception:  # the thread must outlive any one tick
                logger.exception("Embedded beat: a tick failed")
            finally:
                close_old_connections()

    def stop(self) -> None:
        self.stopping.set()


_started: EmbeddedBeat | None = None


def embedded_beat_start() -> EmbeddedBeat:
    global _started
    if _started is None:
        from config.celery import app

        _started = EmbeddedBeat(app)
        _started.start()
    return _started
