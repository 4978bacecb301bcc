"""Cache-Control for anonymous pages (the reasoning is in home/cache.py)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control

CACHEABLE_STATUS = {200, 404}


def mark_public(response):
    """Opt a response in to public caching (the middleware still checks).
    Pages opt in through campaign.models.mixins.PublicPageMixin."""
    response.public_cacheable = True
    return response


def public_cacheable(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_public(view(request, *args, **kwargs))

    return wrapper


class PublicCacheControlMiddleware:
    """Sends ``Cache-Control: public, max-age`` for opted-in anonymous GETs.

    Opt-in (Wagtail pages, feeds, search, robots.txt, the sitemap), so views
    with per-person content (donation thanks, confirmation links) can never
    be cached by accident. It runs outermost (right after security and static
    files) to see the final response: if the session, CSRF or messages
    middleware set a cookie, if the request carried a session, or if the page
    rendered a CSRF token (any POST form), the response is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._is_public(request, response):
            patch_cache_control(
                response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE
            )
        return response

    @staticmethod
    def _is_public(request, response) -> bool:
        return (
            getattr(response, "public_cacheable", False)
            and settings.PUBLIC_PAGE_MAX_AGE > 0
            and "Cache-Control" not in response
            and request.method in ("GET", "HEAD")
            and response.status_code in CACHEABLE_STATUS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(request, "is_preview", False)
        )
