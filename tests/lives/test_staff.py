"""Staff's life with the supporter list: import a spreadsheet, correct a
person, delete one (which is an erasure), export, and import the same file
again months later. Nobody deleted comes back; nobody corrected is undone."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from supporters.models import (
    ConsentRecord,
    Subscription,
    Supporter,
    SupporterAccessLog,
    SupporterImport,
)
from supporters.services import is_suppressed

pytestmark = pytest.mark.django_db
IMPORT = "/admin/supporters/import/"
SHEET = (
    "email,first_name,consent_given_at,consent_source,consent_wording,topics,tags\n"
    "ann@example.org,Ann,2025-03-01,Leeds stall,Yes email me,campaign-updates,Leeds\n"
    "ben@example.org,Ben,2025-03-01,Leeds stall,Yes email me,campaign-updates,Leeds\n"
    "cat@example.org,Kat,2025-03-01,Leeds stall,Yes email me,campaign-updates,\n"
)


def _import(client, run, content: str) -> SupporterImport:
    upload = SimpleUploadedFile("sheet.csv", content.encode(), "text/csv")
    dry_run = client.post(IMPORT, {"file": upload})
    assert dry_run.status_code == 200, dry_run.content.decode()[:500]
    stored = re.search(r'name="stored" value="([^"]+)"', dry_run.content.decode())
    with run(execute=True):
        client.post(IMPORT, {"stored": stored.group(1)})
    return SupporterImport.objects.latest("created_at")


def test_staff_import_correct_delete_export_and_import_again(
    client, django_user_model, topics, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    care = django_user_model.objects.create_user("care", "care@example.org", "pw")
    care.groups.add(Group.objects.get(name="Supporter care"))
    client.force_login(care)

    first = _import(client, run, SHEET)
    assert (first.status, first.new) == ("done", 3)
    assert Subscription.objects.filter(status="confirmed").count() == 3

    # A typo in the sheet: "Kat" is Cat. Staff correct her in the admin.
    cat = Supporter.objects.get(email="cat@example.org")
    response = client.post(
        f"/admin/supporters_supporter/edit/{cat.pk}/",
        {
            "email": "cat@example.org",
            "first_name": "Cat",
            "last_name": "Jones",
            "postcode": "ls1 1aa",
            "source": cat.source,
        },
    )
    assert response.status_code == 302
    cat.refresh_from_db()
    assert (cat.first_name, cat.postcode) == ("Cat", "LS1 1AA")

    # Ben asks by phone to be removed: staff delete him, which erases him.
    ben = Supporter.objects.get(email="ben@example.org")
    response = client.post(f"/admin/supporters_supporter/delete/{ben.pk}/")
    assert response.status_code == 302
    assert not Supporter.objects.filter(email="ben@example.org").exists()
    assert is_suppressed("ben@example.org")
    assert SupporterAccessLog.objects.filter(action="erase").count() == 1

    # The export has the two who remain, as corrected.
    export = client.get("/admin/supporters/export/")
    rows = b"".join(export.streaming_content).decode()
    assert "ann@example.org" in rows and "cat@example.org" in rows
    assert "ben@example.org" not in rows and "Cat" in rows

    # Months later the same spreadsheet is imported again by mistake.
    second = _import(client, run, SHEET)
    assert second.status == "done"
    assert (second.new, second.updated) == (0, 2)
    assert not Supporter.objects.filter(email="ben@example.org").exists()
    cat.refresh_from_db()
    assert (cat.first_name, cat.last_name) == ("Cat", "Jones")  # not undone
    assert ConsentRecord.objects.filter(supporter__email="ben@example.org").count() == 0
    assert Supporter.objects.count() == 2
