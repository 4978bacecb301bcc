"""Settings for the pledge reminder benchmark (bench/pledges.py): PostgreSQL,
a real Redis broker for the email tasks the sweep enqueues (never consumed:
the bench purges them), mail never actually sent."""

from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING

SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
BASE_URL = "http://bench.example"
WAGTAILADMIN_BASE_URL = BASE_URL
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = False
LOGGING["root"]["level"] = "WARNING"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
