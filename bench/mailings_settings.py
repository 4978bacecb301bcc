"""Settings for the mailings benchmark (bench/mailings.py): a real worker, the
anymail Postmark backend pointed at the in-process Postmark double."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING

SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
BASE_URL = "http://bench.example"
WAGTAILADMIN_BASE_URL = BASE_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = False
ADMIN_2FA_REQUIRED = False
AXES_ENABLED = False
MAILERS = {
    "default": {
        "BACKEND": "anymail.backends.postmark.EmailBackend",
        "OPTIONS": {
            "server_token": "bench-token",
            "api_url": os.environ.get("BENCH_POSTMARK_URL", "http://127.0.0.1:9/"),
        },
    }
}
MAILINGS_BATCH_SIZE = 500  # Postmark's limit
MAILINGS_RATE_PER_MINUTE = 10_000_000  # measure the pipeline, not the limiter
LOGGING["root"]["level"] = "WARNING"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
