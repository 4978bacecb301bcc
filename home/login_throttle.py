"""Per-account sign-in back-off, beside django-axes' per-(account, address) lock.

django-axes locks a username *from one address* after five wrong passwords, so
an attacker spreading guesses over many addresses is not slowed. Here every
wrong password for a username, from anywhere, counts: after
``LOGIN_THROTTLE_FREE_FAILURES`` of them each further attempt must wait, the
wait doubling with every failure (2 s, 4 s, 8 s ...) up to
``LOGIN_THROTTLE_MAX_DELAY_SECONDS``. An attempt made while waiting is refused
without checking the password and does not count, so guessing is bounded at
about one password per maximum delay (96 a day at 15 minutes).

It is a delay, never a lock: the wait never exceeds the cap, and an address
that has signed in to the account before (remembered for 90 days) is not
delayed at all, so an attacker cannot keep the owner out from their usual
place. Success clears the count. The counts live in the shared cache (Redis in
production); losing them only restarts the back-off. Trade-offs: SECURITY.md.
"""

from __future__ import annotations

import hashlib
import math
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

FAILURE_WINDOW_SECONDS = 24 * 3600  # a quiet day forgets the failures
KNOWN_ADDRESS_SECONDS = 90 * 24 * 3600
KNOWN_ADDRESSES_KEPT = 20


def _key(kind: str, text: str) -> str:
    digest = hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:32]
    return f"login-throttle:{kind}:{digest}"


def _username_key(username: str) -> str:
    return _key("user", username.strip().lower())


def _address(request) -> str:
    return (get_client_ip_address(request) if request is not None else None) or ""


def delay_for(failures: int) -> int:
    """Seconds to wait before the next attempt after ``failures`` failures."""
    over = failures - settings.LOGIN_THROTTLE_FREE_FAILURES
    if over < 0:
        return 0
    cap = settings.LOGIN_THROTTLE_MAX_DELAY_SECONDS
    return cap if over >= 30 else min(2 ** (over + 1), cap)


def seconds_to_wait(*, username: str, request=None) -> int:
    """0 when this attempt may go ahead."""
    if not settings.LOGIN_THROTTLE_ENABLED or not username:
        return 0
    if _address(request) in _known_addresses(username):
        return 0
    state = cache.get(_username_key(username)) or {}
    return max(0, math.ceil(state.get("until", 0) - time.time()))


def _known_addresses(username: str) -> list[str]:
    return cache.get(_key("known", username.strip().lower())) or []


def failure_record(*, username: str) -> None:
    key = _username_key(username)
    state = cache.get(key) or {"failures": 0}
    failures = state["failures"] + 1
    until = time.time() + delay_for(failures)
    cache.set(key, {"failures": failures, "until": until}, FAILURE_WINDOW_SECONDS)


def success_record(*, username: str, address: str) -> None:
    cache.delete(_username_key(username))
    if address:
        known_key = _key("known", username.strip().lower())
        known = [a for a in _known_addresses(username) if a != address]
        known = [address, *known][:KNOWN_ADDRESSES_KEPT]
        cache.set(known_key, known, KNOWN_ADDRESS_SECONDS)


class UsernameBackOffBackend:
    """An authentication backend that authenticates nobody: it refuses an
    attempt (PermissionDenied stops Django's backend loop) while the account
    must wait, before any password is checked. It has no ``get_user``, so
    Django never records it as the backend of a session."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        wait = seconds_to_wait(username=username or "", request=request)
        if wait:
            if request is not None:
                request.login_throttle_wait = wait
            raise PermissionDenied(f"Sign-in for this account waits {wait} s.")
        return None


@receiver(user_login_failed, dispatch_uid="home.login_throttle.failed")
def _on_failure(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "login_throttle_wait", 0):
        return  # refused unchecked: not a guess
    if settings.LOGIN_THROTTLE_ENABLED and credentials.get("username"):
        failure_record(username=credentials["username"])


@receiver(user_logged_in, dispatch_uid="home.login_throttle.succeeded")
def _on_success(sender, request, user, **kwargs):
    if settings.LOGIN_THROTTLE_ENABLED:
        success_record(username=user.get_username(), address=_address(request))
