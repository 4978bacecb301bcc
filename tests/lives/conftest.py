"""Fixtures for the lives: the fundraising appeal and donor, the lists."""

from __future__ import annotations

import pytest

from tests.fundraising.conftest import appeal, donor  # noqa: F401 - fixtures
from tests.supporters.conftest import topics  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
