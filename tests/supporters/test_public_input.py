"""Public forms (sign-up, donate, pledge) prove nothing about who typed an
address: they may create a supporter, never change a known one, and they
never send a confirmation that would be a repeat."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from fundraising.pledges import services as pledges
from fundraising.pledges.models import Pledge
from supporters.models import (
    ConsentRecord,
    EmailMessageLog,
    Subscription,
    Supporter,
    Suppression,
)
from supporters.services import supporter_upsert, suppression_add
from tests.fundraising.conftest import form_data as donate_form
from tests.pledges.factories import appeal_make

from .conftest import form_data, link_in

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - datetime.timedelta(days=400)


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def donate_appeal(db):
    return appeal_make(slug="judicial-review")


@pytest.fixture
def known(db):
    person = supporter_upsert(
        email="ada@example.org", source="import", first_name="Ada", last_name="L"
    )
    Supporter.objects.filter(pk=person.pk).update(last_active_at=LONG_AGO)
    return person


def _signup(client, capture, **fields):
    with capture(execute=True):
        return client.post(
            "/signup/", form_data(email="ada@example.org", consent="on", **fields)
        )


def test_signup_form_never_renames_a_known_supporter_until_they_confirm(
    client, topics, known, mailoutbox, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks, first_name="Mallory", topics=[])

    known.refresh_from_db()
    assert known.first_name == "Ada"
    assert known.last_active_at == LONG_AGO  # unverified input is no activity
    [confirmation] = mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_in(confirmation, "confirm"))
    known.refresh_from_db()
    assert known.first_name == "Mallory"  # the address's owner confirmed it


def test_donate_and_pledge_forms_never_rename_a_known_supporter(
    client, stripe_double, donate_appeal, known
):
    client.post(
        "/donate/judicial-review/",
        donate_form(email="ada@example.org", first_name="Eve", last_name="X"),
    )
    pledges.pledge_create(
        appeal=donate_appeal,
        email="ada@example.org",
        first_name="Trudy",
        amount_pence=2000,
        when=Pledge.When.DATE,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    known.refresh_from_db()
    assert (known.first_name, known.last_name) == ("Ada", "L")
    assert known.last_active_at == LONG_AGO


def test_a_second_signup_within_minutes_sends_no_second_confirmation(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks, topics=[topics[0].pk])
    _signup(client, django_capture_on_commit_callbacks, topics=[topics[0].pk])
    assert len(mailoutbox) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        _signup(client, django_capture_on_commit_callbacks, topics=[topics[0].pk])
    assert len(mailoutbox) == 2


def test_signup_of_an_already_confirmed_address_sends_nothing(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks, topics=[topics[0].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_in(mailoutbox[0], "confirm"))
    mailoutbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        response = _signup(
            client, django_capture_on_commit_callbacks, topics=[topics[0].pk]
        )
    assert response["Location"] == "/signup/thanks/"  # the same neutral answer
    assert mailoutbox == []


def test_signup_of_a_hard_bounced_address_sends_no_confirmation(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    suppression_add(email="ada@example.org", reason=Suppression.Reason.HARD_BOUNCE)
    response = _signup(client, django_capture_on_commit_callbacks, topics=[])
    assert response["Location"] == "/signup/thanks/"
    assert mailoutbox == []
    assert EmailMessageLog.objects.get().status == "suppressed"


def test_donate_updates_box_starts_double_opt_in_with_one_email(
    client,
    stripe_double,
    donate_appeal,
    topics,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/donate/judicial-review/", donate_form(mailing_list="on"))

    assert not ConsentRecord.objects.exists()  # nothing unverified
    [confirmation] = mailoutbox
    assert confirmation.subject == "Please confirm your email address"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_in(confirmation, "confirm"))
    consent = ConsentRecord.objects.get()
    assert consent.wording.startswith("Yes, send me email updates")
    assert consent.confirmed_at is not None
    assert set(
        Subscription.objects.filter(supporter__email="grace@example.org").values_list(
            "status", flat=True
        )
    ) == {"confirmed"}


def test_charity_donor_joins_on_soft_opt_in_only_once_they_have_paid(
    client, stripe_double, donate_appeal, topics, charity, mailoutbox
):
    client.post("/donate/judicial-review/", donate_form())
    person = Supporter.objects.get(email="grace@example.org")
    assert not ConsentRecord.objects.exists()
    assert not person.subscriptions.exists()

    stripe_double.pay(person.donations.get().checkout_session_id)

    consent = ConsentRecord.objects.get()
    assert consent.lawful_basis == "soft_opt_in"
    assert list(person.subscriptions.values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
    ]


def test_charity_donor_who_ticks_rather_not_is_not_subscribed(
    client, stripe_double, donate_appeal, topics, charity
):
    client.post("/donate/judicial-review/", donate_form(no_updates="on"))
    person = Supporter.objects.get(email="grace@example.org")
    stripe_double.pay(person.donations.get().checkout_session_id)
    assert not ConsentRecord.objects.exists()
    assert not person.subscriptions.exists()


def test_soft_opt_in_never_overrides_an_earlier_unsubscribe(
    client, stripe_double, donate_appeal, topics, charity
):
    suppression_add(email="grace@example.org", reason=Suppression.Reason.UNSUBSCRIBED)
    client.post("/donate/judicial-review/", donate_form())
    person = Supporter.objects.get(email="grace@example.org")
    stripe_double.pay(person.donations.get().checkout_session_id)
    assert not person.subscriptions.exists()


def test_pledge_updates_box_is_confirmed_by_the_pledge_link(
    client, topics, mailoutbox, django_capture_on_commit_callbacks
):
    appeal = appeal_make()
    with django_capture_on_commit_callbacks(execute=True):
        pledge = pledges.pledge_create(
            appeal=appeal,
            email="sam@example.org",
            first_name="Sam",
            amount_pence=2000,
            when=Pledge.When.DATE,
            due_date=timezone.localdate() + datetime.timedelta(days=5),
            updates=True,
        )
    assert len(mailoutbox) == 1  # one email for both
    assert not ConsentRecord.objects.filter(purpose="email_updates").exists()
    pledges.pledge_confirm(pledge_id=pledge.pk)
    consent = ConsentRecord.objects.get(purpose="email_updates")
    assert consent.confirmed_at is not None
    assert set(pledge.supporter.subscriptions.values_list("status", flat=True)) == {
        "confirmed"
    }
