"""Each test starts with an empty cache: Wagtail caches site root paths and
renditions there, and page fragments are cached under a content version, so a
cache kept from an earlier (rolled back) test would show its data."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()
