"""Signed links: expiry, forgery, wrong purpose, single use."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from supporters import tokens

pytestmark = pytest.mark.django_db


def test_token_round_trips_its_payload():
    token = tokens.token_make(tokens.CONFIRM, {"s": 42, "t": [1, 2]})
    assert tokens.token_read(token, tokens.CONFIRM) == {"s": 42, "t": [1, 2]}


def test_confirm_token_expires_after_seven_days():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = tokens.token_make(tokens.CONFIRM, {"s": 1})
    with time_machine.travel(start + datetime.timedelta(days=6, hours=23), tick=False):
        assert tokens.token_read(token, tokens.CONFIRM) == {"s": 1}
    later = start + datetime.timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False), pytest.raises(tokens.TokenExpired):
        tokens.token_read(token, tokens.CONFIRM)


def test_unsubscribe_token_still_works_years_later():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = tokens.token_make(tokens.UNSUBSCRIBE, {"s": 1})
    with time_machine.travel(start + datetime.timedelta(days=365 * 5), tick=False):
        assert tokens.token_read(token, tokens.UNSUBSCRIBE) == {"s": 1}


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: t.replace(":", ";", 1),
        lambda t: "x" + t,
        lambda t: "",
        lambda t: "a" * 5000,
    ],
)
def test_forged_or_damaged_token_is_refused(mangle):
    token = tokens.token_make(tokens.ERASE, {"s": 1})
    with pytest.raises(tokens.TokenInvalid):
        tokens.token_read(mangle(token), tokens.ERASE)


def test_token_signed_with_another_key_is_refused(settings):
    token = tokens.token_make(tokens.ERASE, {"s": 1})
    settings.SECRET_KEY = "another-secret-key-entirely-" + "x" * 30
    with pytest.raises(tokens.TokenInvalid):
        tokens.token_read(token, tokens.ERASE)


def test_token_for_one_purpose_is_refused_for_another():
    token = tokens.token_make(tokens.UNSUBSCRIBE, {"s": 1})
    with pytest.raises(tokens.TokenInvalid):
        tokens.token_read(token, tokens.ERASE)


def test_single_use_token_is_refused_the_second_time():
    token = tokens.token_make(tokens.ERASE, {"s": 1})
    assert tokens.token_use(token, tokens.ERASE) == {"s": 1}
    with pytest.raises(tokens.TokenUsed):
        tokens.token_use(token, tokens.ERASE)
    assert tokens.token_is_used(token)


def test_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown token purpose"):
        tokens.token_make("nonsense", {})


def test_apps_can_register_their_own_purpose():
    purpose = tokens.register_purpose("test-pledge", max_age=datetime.timedelta(days=1))
    token = tokens.token_make(purpose, {"p": 9})
    assert tokens.token_read(token, purpose) == {"p": 9}
