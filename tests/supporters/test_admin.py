"""Staff views in the Wagtail admin: list, filters, detail with audit,
export, groups and permissions, data requests."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supporters.models import (
    DataRequest,
    Subscription,
    Supporter,
    SupporterAccessLog,
)
from supporters.services import consent_grant

from .factories import SupporterFactory, TagFactory

pytestmark = pytest.mark.django_db
LIST = "/admin/supporters_supporter/"


@pytest.fixture
def care_user(django_user_model):
    user = django_user_model.objects.create_user("care", "care@example.org", "pw")
    user.groups.add(Group.objects.get(name="Supporter care"))
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def care(client, care_user):
    client.force_login(care_user)
    return client


def test_supporter_care_sees_the_list_editors_cannot(client, care_user, editor):
    SupporterFactory(email="listed@example.org")
    client.force_login(care_user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert b"listed@example.org" in response.content
    client.force_login(editor)
    assert client.get(LIST).status_code in (302, 403)
    assert client.get(reverse("supporters_admin_export")).status_code in (302, 403)
    assert client.get(reverse("supporters_admin_import")).status_code in (302, 403)
    dashboard = client.get("/admin/").content
    assert b"supporters_supporter" not in dashboard


def test_search_by_address_prefix_and_by_name(care):
    SupporterFactory(email="alice@example.org", first_name="Alice", last_name="Ng")
    SupporterFactory(email="bob@example.org", first_name="Bob", last_name="Jones")
    by_email = care.get(LIST, {"q": "ALICE@"}).content
    assert b"alice@example.org" in by_email and b"bob@example.org" not in by_email
    by_name = care.get(LIST, {"q": "bob jon"}).content
    assert b"bob@example.org" in by_name and b"alice@example.org" not in by_name


def test_filters_by_subscription_status_and_tag(care, topics):
    confirmed = SupporterFactory(email="confirmed@example.org")
    pending = SupporterFactory(email="pending@example.org")
    Subscription.objects.create(
        supporter=confirmed, topic=topics[0], status="confirmed"
    )
    Subscription.objects.create(
        supporter=pending, topic=topics[0], status="unconfirmed"
    )
    volunteer = TagFactory(name="volunteer")
    pending.tags.add(volunteer)
    html = care.get(LIST, {"subscription_status": "confirmed"}).content
    assert b"confirmed@example.org" in html and b"pending@example.org" not in html
    html = care.get(LIST, {"tags": volunteer.pk}).content
    assert b"pending@example.org" in html and b"confirmed@example.org" not in html


def test_detail_shows_consent_history_and_is_audited(care, care_user):
    person = SupporterFactory()
    consent_grant(
        supporter=person,
        purpose="email_updates",
        wording="Yes please, email me",
        wording_version="v7",
        source="signup form: /campaign/",
    )
    response = care.get(f"/admin/supporters_supporter/inspect/{person.pk}/")
    assert response.status_code == 200
    assert b"Yes please, email me" in response.content and b"v7" in response.content
    log = SupporterAccessLog.objects.get()
    assert (log.user, log.action, log.supporter) == (care_user, "view", person)


def test_export_streams_csv_of_the_filtered_list_and_is_audited(care, topics):
    a = SupporterFactory(email="a@example.org", first_name="=cmd()")
    SupporterFactory(email="b@example.org")
    Subscription.objects.create(supporter=a, topic=topics[0], status="confirmed")
    response = care.get(
        reverse("supporters_admin_export"), {"subscription_status": "confirmed"}
    )
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "email"
    assert [r[0] for r in rows[1:]] == ["a@example.org"]
    assert rows[1][1] == "'=cmd()"
    assert rows[1][6] == "campaign-updates"
    assert SupporterAccessLog.objects.get().action == "export"


def test_access_log_is_for_administrators_only(client, care_user, admin_user):
    client.force_login(care_user)
    assert client.get("/admin/supporters_accesslog/").status_code in (302, 403)
    client.force_login(admin_user)
    assert client.get("/admin/supporters_accesslog/").status_code == 200


def test_editing_normalises_the_address_and_refuses_a_clash(care):
    SupporterFactory(email="taken@example.org")
    person = SupporterFactory(email="me@example.org")
    url = f"/admin/supporters_supporter/edit/{person.pk}/"
    data = {
        "email": "TAKEN@example.org",
        "first_name": "A",
        "last_name": "",
        "postcode": "",
        "source": "x",
    }
    response = care.post(url, data)
    assert b"Another supporter already has this address" in response.content
    data["email"] = "New.Me@Example.org"
    data["first_name"] = "X\r\nBcc: y"
    response = care.post(url, data)
    assert b"one line" in response.content
    data["first_name"] = "Mo"
    assert care.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.email == "new.me@example.org"


LIST_VIEWS = [
    {},
    {"q": "bulk"},
    {"q": "Sam Jones"},
    {"subscription_status": "confirmed"},
    {"tags": "1", "source": "bench"},
    {"review": "true"},
]


def _list_queries(client) -> list[int]:
    counts = []
    for params in LIST_VIEWS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, params).status_code == 200
        counts.append(len(queries))
    return counts


def test_list_search_and_filters_query_count_does_not_grow(care, topics):
    # One match for every view first, then 300 more: the counts must not move.
    tag = TagFactory(pk=1, name="volunteer")
    first = SupporterFactory(
        email="bulk-first@example.org",
        first_name="Sam",
        last_name="Jones",
        source="bench",
        review_flagged_at=timezone.now(),
    )
    first.tags.add(tag)
    Subscription.objects.create(supporter=first, topic=topics[0], status="confirmed")
    one = _list_queries(care)
    people = Supporter.objects.bulk_create(
        Supporter(
            email=f"bulk{n}@example.org",
            first_name="Sam",
            last_name="Jones",
            source="bench",
        )
        for n in range(300)
    )
    Subscription.objects.bulk_create(
        Subscription(supporter=p, topic=topics[0], status="confirmed") for p in people
    )
    Supporter.tags.through.objects.bulk_create(
        Supporter.tags.through(supporter_id=p.pk, tag_id=1) for p in people
    )
    assert _list_queries(care) == one
    html = care.get(LIST).content.decode()
    assert html.count("bulk") <= 60  # paginated: 50 a page


def test_staff_record_a_data_request_with_due_date_and_erase(
    care, mailoutbox, django_capture_on_commit_callbacks
):
    person = SupporterFactory(email="letter@example.org")
    url = reverse("supporters_admin_data_request_create")
    bad = care.post(url, {"kind": "erasure", "email": "nobody@example.org"})
    assert b"We hold no supporter" in bad.content
    with django_capture_on_commit_callbacks(execute=True):
        response = care.post(url, {"kind": "erasure", "email": "LETTER@example.org"})
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.due_on and request.status == "open"
    assert "my-data/delete" in mailoutbox[-1].body
    listing = care.get("/admin/supporters_datarequest/").content.decode()
    assert request.due_on.strftime("%d/%m/%Y") in listing or "Due" in listing
    detail = care.get(f"/admin/supporters_datarequest/inspect/{request.pk}/").content
    assert b"Erase this person" in detail
    care.post(reverse("supporters_admin_data_request_erase", args=[request.pk]))
    assert not Supporter.objects.filter(pk=person.pk).exists()
    request.refresh_from_db()
    assert request.status == "done"


def test_editors_can_change_the_welcome_email_text(client, editor):
    client.force_login(editor)
    url = "/admin/settings/supporters/supporteremailsettings/"
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert b"welcome_body" in response.content
