"""Anti-abuse for every public form on the platform (sign-up, donate, pledge).

Interface:
    class AntiSpamFormMixin        mix into a django Form *before* forms.Form:
        adds ``website`` (honeypot, hidden by CSS, labelled for screen readers
        "leave empty") and ``form_ts`` (a signed time stamp set when the form
        is rendered). Refuses a filled honeypot, a submission faster than
        ANTISPAM_MIN_SECONDS, or one older than ANTISPAM_MAX_AGE_SECONDS with
        a friendly message (and a fresh time stamp, so sending again works).
        Template: {% include "supporters/includes/antispam_fields.html" %}
    antispam_timestamp(at=None) -> str   a signed stamp (tests use it too)
    rate_limit(request, *, scope, limit, window, email=None) -> bool
        True when the request is over the limit, counted per client IP and,
        when given, per normalised email, in Django's cache (Redis in
        production, so several web processes share the counts).
    @rate_limited(scope, limit=, window=, email_field="email")
        view decorator: over the limit on POST -> 429 with templates/429.html.
        ``limit``/``window`` may be ints or callables (read per request).

Nothing here sets a cookie or calls a third party (no CAPTCHA service).
"""

from __future__ import annotations

import functools
import hashlib
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render

_TS_SALT = "supporters.antispam.form_ts"
HONEYPOT_FIELD = "website"
TIMESTAMP_FIELD = "form_ts"


def antispam_timestamp(at: float | None = None) -> str:
    return signing.dumps(int(at if at is not None else time.time()), salt=_TS_SALT)


class AntiSpamFormMixin(forms.Form):
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_ts = forms.CharField(required=False, widget=forms.HiddenInput)

    too_fast_message = (
        "That was quicker than we expected from a person. Please check the form "
        "and send it again."
    )
    stale_message = (
        "This form was open for a long time, so we could not accept it. "
        "Please send it again."
    )
    honeypot_message = "Please leave the last field empty and send the form again."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial[TIMESTAMP_FIELD] = antispam_timestamp()

    def _refresh_timestamp(self) -> None:
        """Give the re-rendered form a new stamp so the next send can pass."""
        if self.is_bound:
            data = self.data.copy()
            data[TIMESTAMP_FIELD] = antispam_timestamp()
            self.data = data

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(self.honeypot_message, code="honeypot")
        raw = self.data.get(TIMESTAMP_FIELD) or ""
        try:
            stamp = signing.loads(raw, salt=_TS_SALT)
            age = time.time() - int(stamp)
        except (signing.BadSignature, TypeError, ValueError):
            self._refresh_timestamp()
            raise forms.ValidationError(self.stale_message, code="stale") from None
        if age < settings.ANTISPAM_MIN_SECONDS:
            self._refresh_timestamp()
            raise forms.ValidationError(self.too_fast_message, code="too_fast")
        if age > settings.ANTISPAM_MAX_AGE_SECONDS:
            self._refresh_timestamp()
            raise forms.ValidationError(self.stale_message, code="stale")
        return cleaned


def _client_ip(request) -> str:
    # REMOTE_ADDR only: behind a proxy, configure it to set REMOTE_ADDR (e.g.
    # gunicorn --forwarded-allow-ips); a client-sent X-Forwarded-For is forgeable.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    bucket = int(time.time() // window)
    return f"ratelimit:{scope}:{kind}:{digest}:{bucket}"


def _hit(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return 1


def rate_limit(request, *, scope: str, limit: int, window: int, email=None) -> bool:
    """Count this request; True if the IP (or the email) is over ``limit``."""
    over = _hit(_key(scope, "ip", _client_ip(request), window), window) > limit
    if email:
        normalised = str(email).strip().lower()[:254]
        over |= _hit(_key(scope, "email", normalised, window), window) > limit
    return over


def too_many_requests(request, *, window: int):
    response = render(
        request, "429.html", {"retry_minutes": max(1, window // 60)}, status=429
    )
    response["Retry-After"] = str(window)
    return response


def rate_limited(scope: str, *, limit: int, window: int, email_field="email"):
    """Limit POSTs to a view; GETs (showing the form) are never limited."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            # Callables are read per request, so settings can change in tests.
            lim = limit() if callable(limit) else limit
            win = window() if callable(window) else window
            if request.method == "POST" and rate_limit(
                request,
                scope=scope,
                limit=lim,
                window=win,
                email=request.POST.get(email_field) if email_field else None,
            ):
                return too_many_requests(request, window=win)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
