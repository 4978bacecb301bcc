"""Fixtures for pledges tests."""

from __future__ import annotations

import re
import time

import pytest

from supporters.antispam import antispam_timestamp

from .factories import appeal_make


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counts live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def appeal(db):
    return appeal_make(name="Judicial review fund", slug="judicial-review")


def form_data(**overrides) -> dict:
    """A valid pledge form post (time stamp old enough to pass anti-spam)."""
    data = {
        "amount": "25",
        "when": "date",
        "due_date": "",
        "payday": "",
        "milestone": "",
        "first_name": "Grace",
        "email": "grace@example.org",
        "consent": "on",
        "form_ts": antispam_timestamp(time.time() - 30),
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def link_in(message, path: str) -> str:
    """The first absolute link in an email body whose path starts with ``path``."""
    match = re.search(
        r"http://testserver(" + re.escape(path) + r"[^\s\"<]+)", message.body
    )
    assert match, f"no {path} link in:\n{message.body}"
    return match.group(1)
