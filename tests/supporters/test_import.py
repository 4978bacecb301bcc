"""CSV import: dry run, per-row errors, all or nothing, bad files."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supporters.importing import supporter_import_queue, supporter_import_run
from supporters.models import (
    ConsentRecord,
    Subscription,
    Supporter,
    SupporterAccessLog,
    SupporterImport,
    Suppression,
)
from supporters.services import consent_grant, consent_withdraw, suppression_add

from .factories import SupporterFactory

pytestmark = pytest.mark.django_db
URL = "/admin/supporters/import/"
HEADER = (
    "email,first_name,consent_given_at,consent_source,consent_wording,topics,tags\n"
)


@pytest.fixture
def care(member_of):
    return member_of("Supporter care")


def _upload(client, content: bytes | str, name="people.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(URL, {"file": SimpleUploadedFile(name, content, "text/csv")})


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Press "Import": the worker task runs after commit (eager in tests)."""

    def press(client, response):
        stored = re.search(r'name="stored" value="([^"]+)"', response.content.decode())
        assert stored, response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, {"stored": stored.group(1)})

    return press


GOOD = HEADER + (
    "Ann@Example.org,Ann,2025-03-01,Paper form at Leeds meeting,Yes email me,"
    "campaign-updates,volunteer;Leeds\n"
    "ben@example.org,,2025-03-02T10:00:00,Stall,Yes email me,,\n"
)


def test_dry_run_previews_and_writes_nothing_then_import_writes(care, topics, confirm):
    response = _upload(care, GOOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dry run" in html and "2 new supporters" in html
    assert "ann@example.org" in html
    assert not Supporter.objects.exists()
    response = confirm(care, response)
    assert response.status_code == 302
    status = care.get(response["Location"]).content.decode()
    assert "Imported" in status and "2 new, 0 updated, 0 skipped" in status
    assert not storages["private"].listdir("supporter-imports")[1]  # file deleted
    assert SupporterAccessLog.objects.get().action == "import"
    ann = Supporter.objects.get(email="ann@example.org")
    assert sorted(ann.tags.values_list("name", flat=True)) == ["Leeds", "volunteer"]
    assert Subscription.objects.get(supporter=ann).status == "confirmed"
    record = ConsentRecord.objects.get(supporter=ann)
    assert record.wording == "Yes email me"
    assert "Paper form at Leeds meeting" in record.source
    assert record.confirmed_at.date().isoformat() == "2025-03-01"
    assert Supporter.objects.count() == 2


def test_a_utf8_bom_is_accepted(care, topics):
    response = _upload(care, ("\ufeff" + GOOD).encode())
    assert "2 new supporters" in response.content.decode()


def test_any_bad_row_means_nothing_is_imported(care, topics):
    content = GOOD + (
        "not-an-email,,2025-01-01,x,y,,\n"
        "ann@example.org,,2025-01-01,x,y,,\n"
        "c@example.org,,yesterday,x,y,,\n"
        "d@example.org,,2099-01-01,x,y,,\n"
        "e@example.org,,2025-01-01,x,,,\n"
        "f@example.org,,2025-01-01,x,y,no-such-topic,\n"
        'g@example.org,"G\r\nBcc: h",2025-01-01,x,y,,\n'
    )
    response = _upload(care, content)
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    for line, message in [
        (4, "valid email"),
        (5, "duplicate of line 2"),
        (6, "not a date"),
        (7, "in the future"),
        (8, "required"),
        (9, "unknown topic"),
        (10, "one line"),
    ]:
        assert f"<td>{line}</td><td>" in html and message in html, (line, message)
    assert 'name="stored"' not in html
    assert not Supporter.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("mail,name\nx@example.org,X\n", "missing column(s): email"),
        (
            HEADER.replace("tags", "shoe_size") + "a@example.org,,2025-01-01,x,y,,1\n",
            "unknown column(s): shoe_size",
        ),
        ("", "empty"),
        (HEADER.encode().decode() + "zoé@example.org,Zoé,2025-01-01,x,y,,\n", None),
    ],
)
def test_wrong_headers_or_empty_files_get_a_clear_message(
    care, topics, content, message
):
    if message is None:  # Latin-1 bytes
        response = _upload(care, content.encode("latin-1"))
        message = "not UTF-8"
    else:
        response = _upload(care, content)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Supporter.objects.exists()


def test_a_file_of_10_mb_or_more_is_refused(care, topics):
    big = HEADER + ("x" * 1000 + "\n") * (10 * 1024 + 1)
    response = _upload(care, big)
    assert response.status_code == 400
    assert "10 MB" in response.content.decode()


def test_import_never_resubscribes_suppressed_or_withdrawn_addresses(care, topics):
    suppression_add(email="ann@example.org", reason=Suppression.Reason.UNSUBSCRIBED)
    ben = SupporterFactory(email="ben@example.org")
    consent_grant(
        supporter=ben,
        purpose="email_updates",
        wording="w",
        wording_version="1",
        source="s",
    )
    consent_withdraw(supporter=ben, purpose="email_updates", source="s")
    response = _upload(care, GOOD)
    html = response.content.decode()
    assert "2 skipped" in html and "not re-subscribed" in html
    assert 'name="stored"' not in html  # nothing left to import
    assert not Supporter.objects.filter(email="ann@example.org").exists()
    assert ConsentRecord.objects.filter(supporter=ben).count() == 2


def test_forged_stored_file_reference_is_refused(care, topics):
    response = care.post(URL, {"stored": "supporter-imports/../../etc/passwd:sig"})
    assert response.status_code == 302
    assert response["Location"] == reverse("supporters_admin_import")


def test_import_adds_to_known_people_without_blanking_or_rejoining_lists(
    care, topics, confirm
):
    ann = SupporterFactory(
        email="ann@example.org", first_name="Annie", last_name="Bell"
    )
    Subscription.objects.create(supporter=ann, topic=topics[0], status="unsubscribed")
    consent_grant(
        supporter=ann,
        purpose="email_updates",
        wording="w",
        wording_version="1",
        source="s",
    )
    content = (
        HEADER + "ann@example.org,,2025-03-01,Stall,Yes,campaign-updates;events,\n"
    )
    response = _upload(care, content)
    assert "1 already known" in response.content.decode()
    confirm(care, response)
    ann.refresh_from_db()
    assert (ann.first_name, ann.last_name) == ("Annie", "Bell")
    statuses = dict(
        Subscription.objects.filter(supporter=ann).values_list("topic__slug", "status")
    )
    assert statuses == {"campaign-updates": "unsubscribed", "events": "confirmed"}


def test_an_import_task_delivered_twice_imports_once(topics):
    from django.core.files.base import ContentFile

    name = storages["private"].save(
        "supporter-imports/twice.csv", ContentFile(GOOD.encode())
    )
    record = supporter_import_queue(file_name=name, source="test", user=None)
    supporter_import_run(import_id=record.pk)
    supporter_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert (record.status, record.new) == ("done", 2)
    assert ConsentRecord.objects.count() == 2


def test_a_file_that_went_bad_after_the_dry_run_imports_nothing(topics):
    from django.core.files.base import ContentFile

    bad = GOOD + "broken-address,,2025-01-01,x,y,,\n"
    name = storages["private"].save(
        "supporter-imports/bad.csv", ContentFile(bad.encode())
    )
    record = supporter_import_queue(file_name=name, source="test", user=None)
    supporter_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == SupporterImport.Status.FAILED
    assert "nothing was imported" in record.error
    assert not Supporter.objects.exists()
