"""Honeypot, form time stamp and rate limits shared by every public form."""

from __future__ import annotations

import time

import pytest
from django import forms
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from supporters.antispam import (
    AntiSpamFormMixin,
    antispam_timestamp,
    rate_limit,
    rate_limited,
)


class PetitionForm(AntiSpamFormMixin, forms.Form):
    email = forms.EmailField()


def _data(**extra):
    return {
        "email": "a@example.org",
        "form_ts": antispam_timestamp(time.time() - 30),
        "website": "",
        **extra,
    }


def test_a_person_filling_the_form_normally_passes():
    assert PetitionForm(_data()).is_valid()


def test_filled_honeypot_is_refused_with_a_friendly_message():
    form = PetitionForm(_data(website="http://spam.example"))
    assert not form.is_valid()
    assert "leave the last field empty" in form.non_field_errors()[0]


def test_too_fast_submission_is_refused_and_gets_a_fresh_stamp():
    form = PetitionForm(_data(form_ts=antispam_timestamp()))
    assert not form.is_valid()
    assert "quicker than we expected" in form.non_field_errors()[0]
    assert form.data["form_ts"] != _data()["form_ts"]


@pytest.mark.parametrize(
    "stamp", ["", "garbage", antispam_timestamp(time.time() - 2 * 86400)]
)
def test_missing_forged_or_stale_stamp_is_refused(stamp):
    form = PetitionForm(_data(form_ts=stamp))
    assert not form.is_valid()
    assert "open for a long time" in form.non_field_errors()[0]


def test_rendered_form_carries_a_signed_stamp():
    form = PetitionForm()
    assert form["form_ts"].value()
    assert 'name="website"' in str(form["website"])


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"test-{time.time()}",
            }
        }
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_rate_limit_counts_per_ip(any_cache):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    results = [rate_limit(request, scope="t", limit=3, window=60) for _ in range(4)]
    assert results == [False, False, False, True]
    other = RequestFactory().post("/", REMOTE_ADDR="198.51.100.8")
    assert rate_limit(other, scope="t", limit=3, window=60) is False


def test_rate_limit_counts_per_email_across_ips(any_cache):
    hits = [
        rate_limit(
            RequestFactory().post("/", REMOTE_ADDR=f"203.0.113.{n}"),
            scope="t",
            limit=2,
            window=60,
            email=f"Victim@Example.org{' ' * n}",
        )
        for n in range(3)
    ]
    assert hits == [False, False, True]


@pytest.mark.django_db
def test_rate_limited_view_answers_429_with_a_friendly_page(any_cache):
    @rate_limited("view", limit=1, window=120)
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    assert view(factory.post("/", {"email": "a@example.org"})).status_code == 200
    response = view(factory.post("/", {"email": "a@example.org"}))
    assert response.status_code == 429
    assert response["Retry-After"] == "120"
    assert b"Please wait a moment" in response.content
    assert (
        view(factory.get("/")).status_code == 200
    )  # showing the form is never limited
