"""Editors cannot upload images too big for a web process to thumbnail."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, format="PNG")  # small on disk
    return SimpleUploadedFile("poster.png", buffer.getvalue(), "image/png")


@pytest.fixture
def editor(member_of):
    return member_of("Editors", username="ed")


def test_an_image_over_40_megapixels_is_refused_with_a_clear_message(editor):
    response = editor.post(
        "/admin/images/add/", {"title": "Huge poster", "file": png(8000, 5001)}
    )
    assert response.status_code == 200  # the form again, with the error
    text = response.content.decode()
    assert "This image is too big to use on the site" in text
    assert "40008000 pixels" in text
    assert "the most the site accepts is 40 megapixels" in text
    assert not get_image_model().objects.exists()


def test_the_multiple_upload_refuses_it_too(editor):
    response = editor.post("/admin/images/multiple/add/", {"files[]": png(8000, 5001)})
    assert response.status_code == 200
    assert (
        "This image is too big to use on the site" in response.json()["error_message"]
    )
    assert not get_image_model().objects.exists()


def test_an_ordinary_image_is_accepted(editor):
    response = editor.post(
        "/admin/images/add/", {"title": "Poster", "file": png(1600, 900)}
    )
    assert response.status_code == 302
    assert get_image_model().objects.get().width == 1600
