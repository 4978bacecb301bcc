"""Thin Celery tasks of the site shell."""

from celery import shared_task
from django.core.management import call_command

from . import services


@shared_task(name="home.tasks.heartbeat_record")
def heartbeat_record() -> None:
    services.heartbeat_record(name="worker")


@shared_task(name="home.tasks.scheduled_pages_publish")
def scheduled_pages_publish() -> None:
    """Publish pages whose go-live time has passed, unpublish expired ones.

    Wagtail's own command is idempotent, so overlapping runs are harmless.
    """
    call_command("publish_scheduled", verbosity=0)
