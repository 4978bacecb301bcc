"""Shared start-up for manage.py, WSGI and ASGI: one line on a bad setting."""

from __future__ import annotations

import os
import sys


def django_setup_or_exit(default_settings: str) -> None:
    """Configure Django, or exit with one line naming the broken variable."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    from config.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as error:
        sys.stderr.write(f"Configuration error: {error}\n")
        sys.exit(78)  # EX_CONFIG
