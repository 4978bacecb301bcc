"""Shared set-up for benchmarks: a database of their own, production settings.

from bench._common import bench_database, django_setup, production_env
database_url = bench_database("site")      # <name>_bench_site, created if missing
env = production_env(database_url)         # for manage.py / gunicorn / workers
django_setup(database_url, "bench.x_settings")  # or Django in this process
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/campaign"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def bench_database(suffix: str) -> str:
    """The URL of ``<DATABASE_URL's name>_bench_<suffix>``, created if missing."""
    import psycopg

    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"bench.{suffix} needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = f"{parts.path.lstrip('/')}_bench_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def django_setup(database_url: str, settings_module: str) -> None:
    """Configure Django in this process on the bench database, migrated."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def production_env(database_url: str, **extra: str) -> dict:
    """Environment for production settings on loopback (no TLS, no email sent)."""
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    return (
        os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_URL": os.environ.get("CACHE_URL") or redis_url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BASE_URL": "https://127.0.0.1",
            # Plain HTTP on loopback; TLS is the proxy's job in a deployment.
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_ESP": "postmark",
            "EMAIL_ESP_API_KEY": "bench-sends-no-email",
            "LOG_LEVEL": "WARNING",
        }
        | extra
    )
