"""Daily retention, and the charity soft opt-in only in charity mode."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Site

from home.models import SiteSettings
from supporters import tokens
from supporters.consent import soft_opt_in_available
from supporters.models import ConsentRecord, Subscription, Supporter, UsedToken
from supporters.retention import retention_run
from supporters.services import consent_grant, is_suppressed
from supporters.subscriptions import soft_opt_in_record

from .factories import SupporterFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _aged(days: int, **kwargs):
    when = timezone.now() - days * DAY
    return SupporterFactory(created_at=when, last_active_at=when, **kwargs)


def test_unconfirmed_signups_are_deleted_after_30_days_others_kept(topics):
    stale = _aged(31, email="stale@example.org")
    Subscription.objects.create(supporter=stale, topic=topics[0])
    fresh = _aged(29, email="fresh@example.org")
    Subscription.objects.create(supporter=fresh, topic=topics[0])
    confirmed = _aged(400, email="confirmed@example.org")
    Subscription.objects.create(
        supporter=confirmed, topic=topics[0], status="confirmed"
    )
    donor = _aged(400, email="donor@example.org")  # no subscriptions: another app's
    consented = _aged(31, email="consented@example.org")
    Subscription.objects.create(supporter=consented, topic=topics[1])
    consent_grant(
        supporter=consented,
        purpose="email_updates",
        wording="w",
        wording_version="1",
        source="s",
    )
    result = retention_run()
    assert result["unconfirmed_deleted"] == 1
    assert set(Supporter.objects.values_list("email", flat=True)) == {
        fresh.email,
        confirmed.email,
        donor.email,
        consented.email,
    }
    assert not is_suppressed("stale@example.org")  # never opted in: nothing kept


def test_inactive_supporters_are_flagged_for_review_once(topics, settings):
    old = _aged(800, email="old@example.org")
    recent = _aged(100, email="recent@example.org")
    assert retention_run()["flagged_for_review"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.review_flagged_at is not None and recent.review_flagged_at is None
    assert Supporter.objects.filter(pk=old.pk).exists()  # flagged, not deleted
    assert retention_run()["flagged_for_review"] == 0


def test_old_used_token_records_are_removed():
    token = tokens.token_make(tokens.ERASE, {"s": 1})
    tokens.token_use(token, tokens.ERASE)
    UsedToken.objects.update(used_at=timezone.now() - 400 * DAY)
    assert retention_run()["used_tokens_removed"] == 1


def test_retention_runs_daily_from_beat():
    from config.celery import app

    entry = app.conf.beat_schedule["supporters-retention"]
    assert entry["task"] == "supporters.tasks.retention_run"
    assert entry["schedule"].hour == {3}


def _request():
    request = RequestFactory().get("/")
    request.META["HTTP_HOST"] = Site.objects.get(is_default_site=True).hostname
    return request


def test_soft_opt_in_is_recorded_only_for_a_registered_charity():
    person = SupporterFactory()
    request = _request()
    assert soft_opt_in_available(request) is False
    assert (
        soft_opt_in_record(
            supporter=person,
            source="donation",
            opted_out=False,
            is_registered_charity=soft_opt_in_available(request),
        )
        is None
    )
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.is_registered_charity = True
    site_settings.save()
    request = _request()
    assert soft_opt_in_available(request) is True
    assert (
        soft_opt_in_record(
            supporter=person,
            source="donation",
            opted_out=True,
            is_registered_charity=True,
        )
        is None
    )
    record = soft_opt_in_record(
        supporter=person,
        source="donation 12",
        is_registered_charity=True,
        opted_out=False,
    )
    assert record.lawful_basis == ConsentRecord.LawfulBasis.SOFT_OPT_IN
    assert record.wording_version.startswith("soft_opt_in/")
