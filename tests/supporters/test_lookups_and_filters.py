"""Reads staff rely on: the filtered supporters list (the admin's topic
filter, and the shared selector the benchmark also measures), finding a
supporter by a typed address, and the writes that refuse unknown reasons."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from supporters.models import ConsentRecord, Subscription, Supporter, Suppression
from supporters.selectors import supporters_filtered
from supporters.services import consent_grant, supporter_get_by_email, suppression_add

from .factories import SupporterFactory, TagFactory
from .test_admin import LIST, care, care_user  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(topics):
    updates, events = topics
    ada = SupporterFactory(
        email="ada@example.org", first_name="Ada", last_name="King", source="import x"
    )
    bob = SupporterFactory(
        email="bob@example.org", first_name="Bob", last_name="Jones", source="signup"
    )
    cy = SupporterFactory(
        email="cy@example.org", first_name="Cy", last_name="Kim", source="import y"
    )
    Subscription.objects.create(supporter=ada, topic=updates, status="confirmed")
    Subscription.objects.create(supporter=bob, topic=events, status="confirmed")
    Subscription.objects.create(supporter=cy, topic=events, status="unconfirmed")
    ada.tags.add(TagFactory(name="volunteer"))
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Supporter.objects.filter(pk=cy.pk).update(created_at=long_ago)
    return ada, bob, cy


def emails(queryset) -> list[str]:
    return sorted(queryset.values_list("email", flat=True))


@pytest.mark.usefixtures("care")
def test_admin_list_filtered_by_topic_shows_only_that_lists_people(
    client, people, topics
):
    html = client.get(LIST, {"topic": topics[1].pk}).content.decode()
    assert "bob@example.org" in html and "cy@example.org" in html
    assert "ada@example.org" not in html


def test_filtered_supporters_by_each_criterion(people, topics):
    events = topics[1]
    volunteer = TagFactory(name="volunteer")
    today = timezone.localdate()
    assert emails(supporters_filtered()) == [
        "ada@example.org",
        "bob@example.org",
        "cy@example.org",
    ]
    assert emails(supporters_filtered(status="confirmed")) == [
        "ada@example.org",
        "bob@example.org",
    ]
    assert emails(supporters_filtered(topic=events)) == [
        "bob@example.org",
        "cy@example.org",
    ]
    assert emails(supporters_filtered(status="confirmed", topic=events)) == [
        "bob@example.org"
    ]
    assert emails(supporters_filtered(tag=volunteer)) == ["ada@example.org"]
    assert emails(supporters_filtered(source="import")) == [
        "ada@example.org",
        "cy@example.org",
    ]
    assert emails(
        supporters_filtered(created_from=today - datetime.timedelta(days=1))
    ) == ["ada@example.org", "bob@example.org"]
    assert emails(
        supporters_filtered(created_to=today - datetime.timedelta(days=30))
    ) == ["cy@example.org"]
    assert emails(supporters_filtered(search="   ")) == emails(Supporter.objects)
    assert emails(supporters_filtered(search="K", source="import")) == [
        "ada@example.org",
        "cy@example.org",
    ]
    assert emails(supporters_filtered(search="bob@")) == ["bob@example.org"]


def test_finding_a_supporter_by_a_typed_address(people):
    ada = people[0]
    assert supporter_get_by_email("  ADA@example.org ") == ada
    assert supporter_get_by_email("nobody@example.org") is None
    assert supporter_get_by_email("") is None
    assert supporter_get_by_email("ada\u200b@example.org") is None


def test_consent_with_an_unknown_lawful_basis_is_refused_and_not_recorded(people):
    with pytest.raises(ValueError, match="Unknown lawful basis 'whim'"):
        consent_grant(
            supporter=people[0],
            purpose="email_updates",
            wording="Send me updates",
            wording_version="1",
            source="test",
            lawful_basis="whim",
        )
    assert not ConsentRecord.objects.exists()


def test_suppression_with_an_unknown_reason_is_refused_and_not_recorded():
    with pytest.raises(ValueError, match="Unknown suppression reason 'dislike'"):
        suppression_add(email="someone@example.org", reason="dislike")
    assert not Suppression.objects.exists()


@pytest.mark.usefixtures("care")
def test_import_page_opens_on_the_upload_form(client):
    from django.urls import reverse

    page = client.get(reverse("supporters_admin_import"))
    assert page.status_code == 200
    assert "Upload a CSV file" in page.content.decode()
    assert not Supporter.objects.exists()


@pytest.mark.usefixtures("care")
def test_staff_notes_on_a_data_request_are_kept_with_it(
    client, people, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from supporters.models import DataRequest

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("supporters_admin_data_request_create"),
            {
                "kind": "access",
                "email": "bob@example.org",
                "notes": "Letter received 3 March",
            },
        )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert (request.kind, request.supporter, request.notes) == (
        "access",
        people[1],
        "Letter received 3 March",
    )


def test_asking_for_a_link_with_a_broken_address_shows_the_form_again_and_sends_nothing(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    from .conftest import form_data

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/email/preferences/", form_data(email="ada@@example"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Change your email preferences" in html
    assert "Enter a valid email address." in html
    assert mailoutbox == []
