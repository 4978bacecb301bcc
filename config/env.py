"""Read configuration from the environment, failing with one clear line.

Every variable the platform reads goes through the helpers here, so that a
missing or malformed value stops start-up with a message naming the variable
(``ConfigError``) instead of a traceback from deep inside Django.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value is None:
        if required:
            raise ConfigError(f"{name} is required but not set.")
        return default if default is not None else ""
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    """A URL whose scheme and port are checked now rather than at first use."""
    value = _raw(name) or default
    if not value:
        return ""
    try:
        parsed = urllib.parse.urlsplit(value)
        parsed.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError as error:
        raise ConfigError(f"{name} is not a valid URL ({error}).") from None
    if parsed.scheme not in schemes or not (parsed.hostname or parsed.path):
        allowed = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ConfigError(f"{name} must be a URL starting with {allowed}.")
    return value


def env_database(name: str = "DATABASE_URL") -> dict:
    """Database settings from a URL; SQLite under var/ when unset."""
    default = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    value = env_url(
        name, default, schemes=("postgres", "postgresql", "pgsql", "sqlite")
    )
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ConfigError(f"{name} is not a valid database URL ({error}).") from None
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # SQLite cannot share connections between threads safely.
        config["CONN_MAX_AGE"] = 0
    return config
