"""Supporters, consent evidence and suppression."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from supporters.addresses import email_hash, email_mask
from supporters.models import ConsentRecord, Supporter, Suppression
from supporters.services import (
    consent_current,
    consent_grant,
    consent_withdraw,
    is_suppressed,
    supporter_upsert,
    suppression_add,
)

pytestmark = pytest.mark.django_db


def test_upsert_normalises_and_finds_the_same_person_whatever_the_case():
    first = supporter_upsert(email="  Jo.Bloggs@Example.ORG ", source="signup")
    again = supporter_upsert(email="jo.bloggs@example.org", source="donation")
    assert first.pk == again.pk
    assert again.email == "jo.bloggs@example.org"
    assert again.source == "signup"  # first source is kept
    assert Supporter.objects.count() == 1


def test_database_refuses_a_second_row_differing_only_in_case():
    Supporter.objects.create(email="sam@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Supporter.objects.create(email="SAM@example.org")


def test_upsert_never_overwrites_a_name_with_an_empty_one():
    supporter_upsert(
        email="a@example.org", source="x", first_name="Asha", last_name="Khan"
    )
    person = supporter_upsert(email="a@example.org", source="y", first_name="")
    assert (person.first_name, person.last_name) == ("Asha", "Khan")
    person = supporter_upsert(email="a@example.org", source="y", first_name="Ash")
    assert person.first_name == "Ash"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not-an-email",
        "a@b",
        "x" * 250 + "@example.org",
        "a b@example.org",
        "jo@example.org\r\nBcc: victim@example.org",
    ],
)
def test_upsert_refuses_invalid_or_overlong_addresses(bad):
    with pytest.raises(ValidationError):
        supporter_upsert(email=bad, source="test")
    assert not Supporter.objects.exists()


def test_internationalised_domain_is_accepted_and_kept_readable():
    person = supporter_upsert(email="Zoe@Bücher.Example", source="test")
    assert person.email == "zoe@bücher.example"


def test_non_ascii_local_part_is_refused_with_a_clear_reason():
    with pytest.raises(ValidationError, match="before the @"):
        supporter_upsert(email="zoë@example.org", source="test")


@pytest.mark.parametrize("name", ["Jo\r\nBcc: x@example.org", "Jo\nSmith", "Jo\x00"])
def test_names_with_line_breaks_or_control_characters_are_refused(name):
    with pytest.raises(ValidationError, match="one line"):
        supporter_upsert(email="jo@example.org", source="test", first_name=name)
    assert not Supporter.objects.exists()


def test_consent_ledger_is_append_only_and_latest_record_wins():
    person = supporter_upsert(email="c@example.org", source="test")
    granted = consent_grant(
        supporter=person,
        purpose="email_updates",
        wording="Yes, email me updates.",
        wording_version="v1",
        source="signup form: /",
    )
    with pytest.raises(ValueError, match="append-only"):
        granted.save()
    withdrawn = consent_withdraw(supporter=person, purpose="email_updates", source="x")
    assert withdrawn.action == ConsentRecord.Action.WITHDRAWN
    assert consent_current(supporter=person, purpose="email_updates") == withdrawn
    # Withdrawing again records nothing new.
    assert (
        consent_withdraw(supporter=person, purpose="email_updates", source="x") is None
    )
    assert ConsentRecord.objects.count() == 2


def test_consent_keeps_no_ip_address_unless_the_setting_asks(settings):
    person = supporter_upsert(email="ip@example.org", source="test")
    kwargs = {
        "supporter": person,
        "purpose": "p",
        "wording": "w",
        "wording_version": "1",
        "source": "s",
    }
    assert consent_grant(**kwargs, ip="203.0.113.77").ip_truncated == ""
    settings.CONSENT_KEEP_TRUNCATED_IP = True
    assert consent_grant(**kwargs, ip="203.0.113.77").ip_truncated == "203.0.113.0"


def test_suppression_is_a_hash_that_matches_any_spelling_of_the_address():
    suppression_add(email="Gone@Example.org", reason=Suppression.Reason.MANUAL)
    suppression_add(email="gone@example.org", reason=Suppression.Reason.COMPLAINT)
    assert Suppression.objects.count() == 1
    row = Suppression.objects.get()
    assert "gone" not in row.email_hash and row.email_hash == email_hash(
        "gone@example.org"
    )
    assert is_suppressed(" GONE@example.org")
    assert not is_suppressed("other@example.org")


def test_email_mask_hides_most_of_the_address():
    assert email_mask("jo.bloggs@example.org") == "j***@e***.org"
    assert "bloggs" not in email_mask("jo.bloggs@example.org")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-01-31T10:00:00Z", "2026-02-28"),
        ("2028-01-31T10:00:00Z", "2028-02-29"),
        ("2026-03-15T10:00:00Z", "2026-04-15"),
        ("2026-12-31T23:30:00Z", "2027-01-31"),
    ],
)
def test_data_requests_are_due_one_calendar_month_later(received, due):
    import datetime

    from supporters.models.privacy import one_calendar_month_after

    moment = datetime.datetime.fromisoformat(received)
    assert one_calendar_month_after(moment).isoformat() == due
