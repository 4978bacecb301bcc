"""Settings for a real Celery worker started by the test suite.

Like ``test.py`` (fast hashing, anymail's test backend for mail) but with a
real broker, and pointed at the test database the suite created.
"""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
BASE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = BASE_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}

if _mail_dir := env_str("WORKER_MAIL_DIR"):  # noqa: F405
    # Tests that need to read what the worker sent give it a folder.
    MAILERS = {
        "default": {
            "BACKEND": "supporters.mail_files.EmailBackend",
            "OPTIONS": {"file_path": _mail_dir},
        }
    }
