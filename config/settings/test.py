"""Settings for the test suite (pytest uses these through pyproject.toml).

- Database: SQLite in memory unless DATABASE_URL is set (CI sets PostgreSQL).
- Celery: eager unless a test starts a real worker (tests/conftest.py).
- Email: Django's test runner swaps MAILERS for the in-memory backend; tests
  that exercise anymail's code paths switch to anymail's test backend.
- Passwords hash fast; static files need no manifest.
"""

import os

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
BASE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = BASE_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT},  # noqa: F405
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and not os.environ.get(
    "DATABASE_URL"
):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
    }
# Real-worker tests run their own broker connection; everything else is eager.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests log in with client.login()/force_login(); the tests of two-factor and
# login throttling switch these back on (tests/home/test_staff_security.py).
ADMIN_2FA_REQUIRED = False
AXES_ENABLED = False
LOGIN_THROTTLE_ENABLED = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
