"""Deleting a supporter in the admin is the erasure: the same end state as
"erase now" on a data request, never a bare row delete."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import ModelLogEntry

from supporters.data_requests import data_erasure_request
from supporters.emails import email_enqueue
from supporters.models import (
    EmailMessageLog,
    Supporter,
    SupporterAccessLog,
    Suppression,
)
from supporters.services import is_suppressed, supporter_upsert

pytestmark = pytest.mark.django_db

IDENTITY = {
    "email": "kestrel.ambrose.5512@example.org",
    "first_name": "Kestrel",
    "last_name": "Ambrose",
    "postcode": "N1 9GU",
}


@pytest.fixture
def care(member_of):
    return member_of("Supporter care")


@pytest.fixture
def person(care):
    supporter = supporter_upsert(source="signup form", **IDENTITY)
    email_enqueue(
        template="confirm_signup",
        to=supporter,
        context={"confirm_url": "http://testserver/x/"},
        kind="transactional",
    )
    # A staff edit: Wagtail's history now carries the name.
    edit = care.post(
        f"/admin/supporters_supporter/edit/{supporter.pk}/",
        {**IDENTITY, "source": "signup form", "tags": []},
    )
    assert edit.status_code == 302
    return supporter


def end_state(person_pk: int) -> dict:
    content_type = ContentType.objects.get_for_model(Supporter)
    history = ModelLogEntry.objects.filter(
        content_type=content_type, object_id=str(person_pk)
    )
    return {
        "supporter_exists": Supporter.objects.filter(pk=person_pk).exists(),
        "suppressed": is_suppressed(IDENTITY["email"]),
        "suppression_reason": list(
            Suppression.objects.values_list("reason", flat=True)
        ),
        # The sign-up confirmation stays as an anonymous count.
        "email_logs_kept": EmailMessageLog.objects.filter(
            template="confirm_signup"
        ).count(),
        "email_logs_with_address": EmailMessageLog.objects.exclude(to_email="").count(),
        "history_with_name": sum(
            "Kestrel" in entry.label or "kestrel" in str(entry.data).lower()
            for entry in history
        ),
        "erase_access_log_entries": SupporterAccessLog.objects.filter(
            action=SupporterAccessLog.Action.ERASE
        ).count(),
    }


EXPECTED = {
    "supporter_exists": False,
    "suppressed": True,
    "suppression_reason": ["erased"],
    "email_logs_kept": 1,
    "email_logs_with_address": 0,
    "history_with_name": 0,
    "erase_access_log_entries": 1,
}


def erase_now(care, person):
    data_request = data_erasure_request(supporter=person)
    response = care.post(
        reverse("supporters_admin_data_request_erase", args=[data_request.pk])
    )
    assert response.status_code == 302


def admin_delete_view(care, person):
    url = f"/admin/supporters_supporter/delete/{person.pk}/"
    confirm = care.get(url)
    assert b"suppressed so it is never mailed or re-imported" in confirm.content
    response = care.post(url)
    assert response.status_code == 302
    page = care.get(response["Location"])
    assert b"Supporter erased" in page.content


# Suppressed addresses are never re-imported: tests/supporters/test_import.py.
@pytest.mark.parametrize("remove", [erase_now, admin_delete_view])
def test_every_staff_way_to_remove_a_person_has_the_erasure_end_state(
    care, person, remove
):
    remove(care, person)
    assert end_state(person.pk) == EXPECTED


def test_admin_delete_records_who_erased_whom(care, person):
    admin_delete_view(care, person)
    entry = SupporterAccessLog.objects.get(action=SupporterAccessLog.Action.ERASE)
    assert entry.user.username == "care"
    assert entry.detail == f"supporter {person.pk} deleted in the admin"


def test_there_is_no_bulk_delete_around_the_erasure(care, person):
    response = care.post(f"/admin/bulk/supporters/supporter/delete/?id={person.pk}", {})
    assert response.status_code == 404
    assert Supporter.objects.filter(pk=person.pk).exists()
