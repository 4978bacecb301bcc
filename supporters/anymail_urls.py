"""anymail's tracking webhooks, switched on only where they can be trusted.

A tracking route answers only when both hold, checked on every request:
- it belongs to the provider the site sends through (``EMAIL_ESP``); the other
  providers' routes answer 404 (anymail would raise ImproperlyConfigured for
  a provider without its keys, a 500);
- ``ANYMAIL_WEBHOOK_SECRET`` is set, so anymail checks the shared secret (HTTP
  basic auth) on every post; without it the webhook is off (404) rather than
  open to forged bounces and complaints.
Inbound-mail routes are not exposed: nothing here receives mail.

anymail trusts the shape of an authenticated provider's payload; a body that
passes the shared secret but is not what the provider sends (``null``, a list
of strings) makes its parsers raise. Such a request gets a 400 (the provider
retries, staff see the logged error) instead of a 500 page.
"""

from __future__ import annotations

import functools
import logging

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.urls import URLPattern

logger = logging.getLogger(__name__)
MALFORMED = (TypeError, KeyError, ValueError, AttributeError, IndexError)
TRACKING_SUFFIX = "_tracking_webhook"


def webhook_secret() -> str | None:
    return (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET") or None


def tracking_webhook_enabled(esp_name: str) -> bool:
    """Is ``esp_name``'s tracking webhook live in the current settings?"""
    return bool(esp_name) and esp_name == settings.EMAIL_ESP and bool(webhook_secret())


def guarded_tracking_view(view, *, esp_name: str):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not tracking_webhook_enabled(esp_name):
            raise Http404("This email provider's webhook is not configured.")
        try:
            return view(request, *args, **kwargs)
        except MALFORMED:
            logger.exception("Malformed email webhook payload at %s", request.path)
            return HttpResponseBadRequest("Malformed webhook payload.")

    return guarded


def _guarded(pattern: URLPattern) -> URLPattern:
    return URLPattern(
        pattern.pattern,
        guarded_tracking_view(
            pattern.callback, esp_name=pattern.name.removesuffix(TRACKING_SUFFIX)
        ),
        pattern.default_args,
        pattern.name,
    )


app_name = anymail_urls.app_name
urlpatterns = [
    _guarded(pattern)
    for pattern in anymail_urls.urlpatterns
    if (pattern.name or "").endswith(TRACKING_SUFFIX)
]
