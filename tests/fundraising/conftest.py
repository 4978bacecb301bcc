"""Fixtures for the fundraising tests: an appeal, a donor, gifts in flight."""

from __future__ import annotations

import datetime
import time
import uuid

import pytest
from django.utils import timezone

from fundraising.models import Appeal, Donation
from fundraising.services.checkout import donation_checkout_start
from supporters.antispam import antispam_timestamp
from supporters.services import supporter_upsert


@pytest.fixture
def appeal(db):
    return Appeal.objects.create(
        name="Judicial review fund",
        slug="judicial-review",
        purpose="Legal costs of challenging the census changes.",
        target_pence=2_500_000,
        stretch_target_pence=4_000_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        crowdjustice_url="https://www.crowdjustice.com/case/pupil-data/",
        suggested_amounts="10, 25, 50, 100",
    )


@pytest.fixture
def donor(db):
    return supporter_upsert(
        email="ada@example.org", source="test", first_name="Ada", last_name="Lovelace"
    )


def start_gift(appeal, supporter, amount_pence=2500, frequency="one_off", **kw):
    return donation_checkout_start(
        appeal=appeal,
        supporter=supporter,
        amount_pence=amount_pence,
        frequency=frequency,
        checkout_key=kw.pop("checkout_key", uuid.uuid4().hex),
        cancel_url="http://testserver/donate/judicial-review/cancelled/",
        **kw,
    )


def form_data(**overrides) -> dict:
    """A valid donate form post (time stamp old enough to pass anti-spam)."""
    data = {
        "amount": "2500",
        "other_amount": "",
        "frequency": "one_off",
        "email": "grace@example.org",
        "first_name": "Grace",
        "last_name": "Hopper",
        "checkout_key": uuid.uuid4().hex,
        "form_ts": antispam_timestamp(time.time() - 30),
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def paid_donations(appeal):
    return Donation.objects.filter(appeal=appeal, paid_at__isnull=False)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
