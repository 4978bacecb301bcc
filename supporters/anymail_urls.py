"""anymail's tracking and inbound webhooks, answering 400 to malformed payloads.

anymail trusts the shape of an authenticated provider's payload; a body that
passes the shared secret but is not what the provider sends (``null``, a list
of strings) makes its parsers raise. Such a request gets a 400 (the provider
retries, staff see the logged error) instead of a 500 page.
"""

from __future__ import annotations

import functools
import logging

from anymail import urls as anymail_urls
from django.http import HttpResponseBadRequest
from django.urls import URLPattern

logger = logging.getLogger(__name__)
MALFORMED = (TypeError, KeyError, ValueError, AttributeError, IndexError)


def refusing_malformed_payloads(view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except MALFORMED:
            logger.exception("Malformed email webhook payload at %s", request.path)
            return HttpResponseBadRequest("Malformed webhook payload.")

    return guarded


def _guarded(pattern: URLPattern) -> URLPattern:
    return URLPattern(
        pattern.pattern,
        refusing_malformed_payloads(pattern.callback),
        pattern.default_args,
        pattern.name,
    )


app_name = anymail_urls.app_name
urlpatterns = [_guarded(pattern) for pattern in anymail_urls.urlpatterns]
