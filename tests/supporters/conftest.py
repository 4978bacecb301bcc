"""Fixtures for the supporters tests."""

from __future__ import annotations

import re
import time

import pytest

from supporters.antispam import antispam_timestamp
from supporters.models import Topic


@pytest.fixture
def topics(db):
    updates, _ = Topic.objects.get_or_create(
        slug="campaign-updates", defaults={"name": "Campaign updates", "sort_order": 1}
    )
    events, _ = Topic.objects.get_or_create(
        slug="events", defaults={"name": "Events and actions", "sort_order": 2}
    )
    return [updates, events]


def form_data(**fields) -> dict:
    """A form a person filled in half a minute ago (passes the anti-spam checks)."""
    return {"form_ts": antispam_timestamp(time.time() - 30), "website": "", **fields}


def link_in(message, pattern: str) -> str:
    """The path of the first absolute link in an email body matching pattern."""
    match = re.search(r"http://testserver(/\S*" + pattern + r"\S*/)", message.body)
    assert match, f"no link matching {pattern!r} in:\n{message.body}"
    return match.group(1)
