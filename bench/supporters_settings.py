"""Settings for the supporters benchmark (bench/supporters.py): PostgreSQL,
in-process tasks, no mail sent."""

from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING

SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
BASE_URL = "http://bench.example"
WAGTAILADMIN_BASE_URL = BASE_URL
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
LOGGING["root"]["level"] = "WARNING"
