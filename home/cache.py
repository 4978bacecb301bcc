"""Server-side caching of public pages and when it is invalidated.

Template fragments that depend on more than one page (the menu, the footer,
the home page's latest updates) include a site-wide *content version* in their
cache key. Publishing, unpublishing, moving or deleting any page, or saving
the site settings, replaces the version (home.signals), so every such fragment
is rebuilt on the next request. Fragments that depend on one page only use
Wagtail's ``{% wagtailpagecache %}`` (keyed on the page's own cache_key).

Browsers and shared caches get ``Cache-Control: public, max-age=N`` only for
anonymous GET requests whose response set no cookie and used no CSRF token
(see home.middleware): a cached form with someone else's CSRF token would fail,
and a cached page carrying a cookie would leak it. ``max-age`` is short
(PUBLIC_PAGE_MAX_AGE) because a browser cannot be told to forget a page; a CDN
in front can be purged on publish with wagtail.contrib.frontend_cache.
"""

from __future__ import annotations

from uuid import uuid4

from django.core.cache import cache

CONTENT_VERSION_KEY = "site:content-version"


def content_version() -> str:
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = uuid4().hex
        # add() keeps a version another process set in the meantime.
        if not cache.add(CONTENT_VERSION_KEY, version, timeout=None):
            version = cache.get(CONTENT_VERSION_KEY, version)
    return version


def content_version_bump() -> str:
    version = uuid4().hex
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)
    return version
