"""Per-account back-off: wrong passwords from many addresses slow down the
account (a growing, capped wait), without locking its owner out."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from home import login_throttle

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"
OWNER_ADDRESS = "198.51.100.7"


@pytest.fixture(autouse=True)
def throttle(settings):
    settings.LOGIN_THROTTLE_ENABLED = True
    settings.LOGIN_THROTTLE_FREE_FAILURES = 3
    settings.LOGIN_THROTTLE_MAX_DELAY_SECONDS = 900
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        username="director", email="director@example.org", password=PASSWORD
    )


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(login_throttle.time, "time", lambda: now[0])

    class Clock:
        def advance(self, seconds):
            now[0] += seconds

    return Clock()


def sign_in(client, password, address):
    return client.post(
        "/admin/login/",
        {"username": "director", "password": password},
        REMOTE_ADDR=address,
    )


def guesses(client, count, start=1):
    for number in range(start, start + count):
        response = sign_in(client, f"guess {number}", f"203.0.113.{number}")
        assert response.status_code == 200


def test_wrong_passwords_from_many_addresses_make_the_account_wait(
    client, staff, clock
):
    guesses(client, 3)  # three addresses, one guess each: axes sees no pattern
    response = sign_in(client, PASSWORD, "203.0.113.99")
    assert response.status_code == 200
    assert "too many wrong passwords for this account" in response.content.decode()
    assert "Try again in 2 seconds" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_guess_made_while_waiting_is_not_checked_or_counted(client, staff, clock):
    guesses(client, 3)
    for _ in range(5):
        sign_in(client, "yet another guess", "203.0.113.50")
    clock.advance(2)
    response = sign_in(client, PASSWORD, "203.0.113.51")
    assert response.status_code == 302  # the wait was still 2 s, not longer
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_wait_grows_with_each_failure_and_is_capped(settings):
    waits = [login_throttle.delay_for(n) for n in range(1, 16)]
    assert waits[:3] == [0, 0, 2]
    assert waits[3:8] == [4, 8, 16, 32, 64]
    assert max(waits) == 900 == login_throttle.delay_for(10_000)


def test_guessing_is_bounded_to_one_try_per_wait(client, staff, clock):
    guesses(client, 3)
    for attempt in range(720):  # an hour, a guess every 5 s from fresh addresses
        sign_in(client, "guess", f"192.0.2.{attempt % 250 + 1}")
        clock.advance(5)
    state = cache.get(login_throttle._username_key("director"))
    # 2 + 4 + ... + 512 s of waits, then one guess per 15 minutes.
    assert state["failures"] - 3 <= 12


def test_the_owner_is_never_locked_out_for_good(client, staff, clock):
    guesses(client, 30)  # far past the cap
    clock.advance(900)
    response = sign_in(client, PASSWORD, "203.0.113.200")
    assert response.status_code == 302


def test_an_address_that_signed_in_before_is_not_delayed(client, staff, clock):
    assert sign_in(client, PASSWORD, OWNER_ADDRESS).status_code == 302
    client.logout()
    guesses(client, 10)
    assert sign_in(client, PASSWORD, "203.0.113.201").status_code == 200
    response = sign_in(client, PASSWORD, OWNER_ADDRESS)
    assert response.status_code == 302


def test_success_clears_the_count(client, staff, clock):
    guesses(client, 2)
    assert sign_in(client, PASSWORD, "203.0.113.60").status_code == 302
    client.logout()
    guesses(client, 2, start=10)
    assert sign_in(client, PASSWORD, "203.0.113.61").status_code == 302
