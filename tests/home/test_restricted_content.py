"""Login-restricted pages and documents need the second factor, and there is
no password-only front-end login form (Wagtail's /_util/login/)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageViewRestriction

from campaign import factories

from .conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


@pytest.fixture
def restricted_page():
    page = factories.campaign_page_create(title="Staff briefing room")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    return page


@pytest.fixture
def restricted_document(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    }
    return factories.document_create(
        content=b"%PDF-1.4 legal advice",
        collection=factories.login_restricted_collection_create(),
    )


def test_a_password_only_session_does_not_open_a_restricted_page(
    client, staff, device, restricted_page
):
    client.force_login(staff)  # password passed, second factor not yet
    response = client.get(restricted_page.url)
    assert response.status_code == 302
    assert response["Location"] == f"/_util/login/?next={restricted_page.url}"
    onward = client.get(response["Location"])
    assert onward["Location"] == (
        f"/admin/2fa/verify/?next={restricted_page.url.replace('/', '%2F')}"
    )


def test_a_password_only_session_does_not_open_a_restricted_document(
    client, staff, device, restricted_document
):
    client.force_login(staff)
    response = client.get(restricted_document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/_util/login/")


def test_after_the_second_factor_restricted_content_opens(
    client, staff, device, restricted_page, restricted_document
):
    client.force_login(staff)
    verified = client.post(
        "/admin/2fa/verify/",
        {"token": current_code(device), "next": restricted_page.url},
    )
    assert verified["Location"] == restricted_page.url
    page = client.get(restricted_page.url)
    assert page.status_code == 200
    assert b"Staff briefing room" in page.content
    document = client.get(restricted_document.url)
    assert document.status_code == 200
    assert b"".join(document.streaming_content) == b"%PDF-1.4 legal advice"


def test_the_front_end_login_form_is_gone(client, staff, restricted_page):
    form = client.get(f"/_util/login/?next={restricted_page.url}")
    assert form.status_code == 302
    assert form["Location"] == (
        f"/admin/login/?next={restricted_page.url.replace('/', '%2F')}"
    )
    posted = client.post("/_util/login/", {"username": "editor", "password": PASSWORD})
    assert posted.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_front_end_login_redirect_stays_on_this_site(client):
    response = client.get("/_util/login/?next=https://evil.example/")
    assert response["Location"] == "/admin/login/?next=%2F"


def test_anonymous_visitors_still_see_public_pages_without_a_session(client):
    page = factories.campaign_page_create(title="Public campaign")
    response = client.get(page.url)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
