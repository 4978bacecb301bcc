"""``runserver`` that also runs the beat schedule on the embedded default.

With no broker (no ``REDIS_URL``) and ``EMBEDDED_BEAT`` on (the development
settings' default), the schedule runs in a thread of the server process
(home/embedded_beat.py), so ``make run`` on a laptop sends scheduled
mailings and pledge reminders and publishes scheduled pages.
"""

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticFilesRunserver,
)


class Command(StaticFilesRunserver):
    def inner_run(self, *args, **options):
        if settings.TASKS_RUN_IN_PROCESS and settings.EMBEDDED_BEAT:
            from home.embedded_beat import embedded_beat_start

            embedded_beat_start()
            self.stdout.write("Scheduled jobs run in this process (no REDIS_URL).")
        super().inner_run(*args, **options)
