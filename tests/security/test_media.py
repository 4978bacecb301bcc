"""/media/ serves image renditions and nothing else to the public: supporter
CSV imports live in the private storage outside MEDIA_ROOT, and documents are
served only through Wagtail's document view with its privacy checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import factories

pytestmark = pytest.mark.django_db

CSV = (
    "email,first_name,consent_given_at,consent_source,consent_wording,topics,tags\n"
    "ada@example.org,Ada,2026-01-05,paper form,Yes please,,\n"
)


@pytest.fixture
def disk(settings, tmp_path):
    """Real files on disk: public MEDIA_ROOT and the private storage apart."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path


def files_under(root: Path) -> list[str]:
    return sorted(
        str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()
    )


def test_uploaded_supporter_import_is_never_in_public_media(client, disk, member_of):
    member_of("Supporter care")
    response = client.post(
        "/admin/supporters/import/",
        {"file": SimpleUploadedFile("people.csv", CSV.encode(), "text/csv")},
    )
    assert response.status_code == 200
    assert b"ada@example.org" in response.content  # the dry-run preview

    stored = files_under(disk / "private")
    assert len(stored) == 1
    assert stored[0].startswith("supporter-imports/")
    assert files_under(disk / "media") == []

    client.logout()
    for url in (f"/media/{stored[0]}", f"/media/../private/{stored[0]}"):
        assert client.get(url).status_code == 404, url


def test_document_in_a_login_restricted_collection_is_not_served_anonymously(
    client, disk
):
    document = factories.document_create(
        content=b"%PDF-1.4 legal advice",
        collection=factories.login_restricted_collection_create(),
    )
    assert (disk / "media" / document.file.name).exists()

    by_document_view = client.get(document.url)
    assert by_document_view.status_code == 302
    assert by_document_view["Location"] == f"/_util/login/?next={document.url}"
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_public_document_is_served_by_the_document_view_only(client, disk):
    document = factories.document_create(content=b"%PDF-1.4 public briefing")
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 public briefing"
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_image_renditions_are_public_and_originals_are_for_admin_users(
    client, disk, admin_user
):
    image = factories.image_create()
    rendition = image.get_rendition("fill-100x100")
    assert rendition.file.name.startswith("images/")
    assert client.get(rendition.url).status_code == 200

    original = f"/media/{image.file.name}"
    assert image.file.name.startswith("original_images/")
    assert client.get(original).status_code == 404
    client.force_login(admin_user)
    response = client.get(original)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
