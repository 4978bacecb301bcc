"""Project configuration: settings, Celery app, URL routing and entry points."""

from .celery import app as celery_app

__all__ = ["celery_app"]
