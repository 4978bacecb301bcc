"""Signed links in pledge emails: confirm, manage (change date, cancel), give.

Each purpose has its own salt (supporters.tokens), so a "manage" link cannot
be replayed as a "give" link. None of them is single-use: confirming twice,
or clicking "give now" twice, must land on the same result.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse

from supporters import tokens

CONFIRM = tokens.register_purpose("pledge-confirm", max_age=datetime.timedelta(days=7))
# The confirmation email's manage link must outlive a pledge six months ahead
# and its reminders, with room to spare.
MANAGE = tokens.register_purpose("pledge-manage", max_age=datetime.timedelta(days=400))
# Made when a reminder is sent, so it counts from the reminder.
GIVE = tokens.register_purpose("pledge-give", max_age=datetime.timedelta(days=60))

_ROUTES = {CONFIRM: "pledges:confirm", MANAGE: "pledges:manage", GIVE: "pledges:give"}


def pledge_token(purpose: str, pledge_id: int) -> str:
    return tokens.token_make(purpose, {"p": pledge_id})


def pledge_url(purpose: str, pledge_id: int) -> str:
    path = reverse(_ROUTES[purpose], args=[pledge_token(purpose, pledge_id)])
    return settings.BASE_URL.rstrip("/") + path


def pledge_id_from_token(token: str, purpose: str) -> int:
    """The pledge id; raises supporters.tokens.TokenError (its ``message`` is
    safe to show)."""
    payload = tokens.token_read(token, purpose)
    value = payload.get("p")
    if not isinstance(value, int) or value <= 0:
        raise tokens.TokenInvalid
    return value
