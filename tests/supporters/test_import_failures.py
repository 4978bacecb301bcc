"""An import whose background job raised or was lost says so and can retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from supporters import importing
from supporters.models import Supporter, SupporterImport

from .test_import import GOOD, _upload, care, confirm  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_an_import_that_raises_fails_with_a_reason_keeps_its_file_and_retries(
    care,  # noqa: F811
    topics,
    confirm,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    real = importing.supporters_import
    calls = {"n": 0}

    def drops_connection_once(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("terminating connection due to administrator")
        return real(**kwargs)

    monkeypatch.setattr(importing, "supporters_import", drops_connection_once)
    response = confirm(care, _upload(care, GOOD))
    status_url = response["Location"]

    record = SupporterImport.objects.get()
    assert record.status == SupporterImport.Status.FAILED
    assert "database could not be reached" in record.error
    assert not Supporter.objects.exists()
    page = care.get(status_url).content.decode()
    assert "Nothing imported" in page and "database could not be reached" in page
    assert "Try again with the same file" in page

    with django_capture_on_commit_callbacks(execute=True):
        care.post(status_url)
    record.refresh_from_db()
    assert (record.status, record.new) == ("done", 2)
    assert Supporter.objects.count() == 2
    assert "Try again" not in care.get(status_url).content.decode()


def test_an_import_refused_for_bad_rows_offers_an_upload_not_a_retry(
    care,  # noqa: F811
    topics,
):
    from django.core.files.base import ContentFile

    bad = GOOD + "broken-address,,2025-01-01,x,y,,\n"
    name = importing.import_storage().save(
        "supporter-imports/bad.csv", ContentFile(bad.encode())
    )
    record = importing.supporter_import_queue(file_name=name, source="t", user=None)
    importing.supporter_import_run(import_id=record.pk)
    page = care.get(f"/admin/supporters/import/{record.pk}/").content.decode()
    assert "nothing was imported" in page
    assert "Try again" not in page and "Upload a file again" in page
    assert care.post(f"/admin/supporters/import/{record.pk}/").status_code == 302
    record.refresh_from_db()
    assert record.status == SupporterImport.Status.FAILED


def test_an_import_whose_job_was_lost_is_shown_stopped_and_can_be_run(
    care,  # noqa: F811
    topics,
    django_capture_on_commit_callbacks,
):
    from django.core.files.base import ContentFile

    name = importing.import_storage().save(
        "supporter-imports/lost.csv", ContentFile(GOOD.encode())
    )
    record = SupporterImport.objects.create(
        file_name=name,
        source="t",
        status=SupporterImport.Status.RUNNING,
        created_at=timezone.now() - timedelta(hours=1),
    )
    url = f"/admin/supporters/import/{record.pk}/"
    page = care.get(url).content.decode()
    assert "Stopped" in page and "its job was lost" in page
    assert 'http-equiv="refresh"' not in page  # no page waiting for ever
    with django_capture_on_commit_callbacks(execute=True):
        care.post(url)
    record.refresh_from_db()
    assert (record.status, record.new) == ("done", 2)


def test_a_fresh_import_is_not_called_stalled(db):
    record = SupporterImport.objects.create(file_name="x.csv", source="t")
    assert importing.supporter_import_stalled(record=record) is False
