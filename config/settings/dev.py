"""Local development: debug on, a throwaway secret key, embedded defaults."""

from .base import *  # noqa: F403
from .base import _PRIVATE_STORAGE, SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
INTERNAL_IPS = ["127.0.0.1"]
# The demo admin can sign in with the printed password alone; set
# ADMIN_2FA_REQUIRED=true to try the two-factor set-up locally.
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", False)
# Static files straight from the source folders, without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Without a broker, the development server runs the beat schedule itself
# (home/embedded_beat.py); with REDIS_URL, `make run` starts Celery beat.
EMBEDDED_BEAT = env_bool("EMBEDDED_BEAT", True)
