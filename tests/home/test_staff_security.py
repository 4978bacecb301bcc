"""Staff accounts: two-factor for every admin user, throttled logins,
strong passwords, and logs that never carry personal data."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.logging import PersonalDataFilter, mask_text

from .conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db


def test_admin_user_without_a_device_is_sent_to_set_one_up(client, staff):
    client.force_login(staff)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/?next=/admin/pages/")


def test_the_sign_in_pages_icons_load_before_the_second_factor(client, staff):
    """Wagtail injects the icon sprite into the page; a redirect there would
    inject a second copy of the set-up form."""
    client.force_login(staff)
    response = client.get("/admin/sprite/")
    assert response.status_code == 200
    assert b"<svg" in response.content
    assert b"set-up link" not in response.content


def test_no_admin_page_answers_before_the_second_factor(client, staff):
    client.force_login(staff)
    for url in ["/admin/", "/admin/pages/", "/admin/users/", "/admin/snippets/"]:
        assert client.get(url).status_code == 302, url


ENROL_LINK = re.compile(r"http://testserver(/admin/2fa/setup/[^/\s]+/)")


@pytest.fixture
def ask_for_link(client, mailoutbox, django_capture_on_commit_callbacks):
    """Press "Email me a set-up link"; return the path of the emailed link."""

    def ask(next_url="/admin/pages/"):
        cache.clear()  # one email a minute per user
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/admin/2fa/setup/", {"next": next_url})
        assert response.status_code == 200
        assert b"Check your email" in response.content
        message = mailoutbox[-1]
        assert message.to == ["editor@example.org"]
        return ENROL_LINK.search(message.body).group(1)

    return ask


def test_setting_up_an_authenticator_needs_the_link_emailed_to_the_owner(
    client, staff, ask_for_link
):
    client.force_login(staff)
    page = client.get("/admin/2fa/setup/?next=/admin/pages/")
    assert page.status_code == 200
    assert b"<svg" not in page.content  # no key for a password alone
    assert not TOTPDevice.objects.exists()

    link = ask_for_link()
    pairing = client.get(link)
    assert pairing.status_code == 200
    assert b"<svg" in pairing.content  # the QR code, drawn locally
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(link, {"token": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert client.get("/admin/").status_code == 200


def test_a_password_alone_cannot_pair_an_authenticator(client, staff):
    """The old trust-on-first-use flow: whoever signed in first got the key."""
    client.force_login(staff)
    setup = client.get("/admin/2fa/setup/")
    assert b"<svg" not in setup.content
    client.post("/admin/2fa/setup/", {"token": "123456"})
    for device in TOTPDevice.objects.all():
        assert device.key not in setup.content.decode()
        client.post("/admin/2fa/setup/", {"token": current_code(device)})
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_the_set_up_link_works_once(client, staff, ask_for_link):
    client.force_login(staff)
    link = ask_for_link()
    client.get(link)
    device = TOTPDevice.objects.get(user=staff)
    client.post(link, {"token": current_code(device)})
    client.logout()
    client.force_login(staff)
    assert client.get(link)["Location"].startswith("/admin/2fa/verify/")


def test_a_newer_link_replaces_the_older_one(client, staff, ask_for_link):
    client.force_login(staff)
    first = ask_for_link()
    second = ask_for_link()
    refused = client.get(first)
    assert refused.status_code == 400
    assert b"a newer link has replaced it" in refused.content
    assert client.get(second).status_code == 200


def test_the_set_up_link_is_refused_in_another_accounts_session(
    client, staff, ask_for_link, django_user_model
):
    client.force_login(staff)
    link = ask_for_link()
    other = django_user_model.objects.create_user(
        "other", "other@example.org", PASSWORD, is_staff=True, is_superuser=True
    )
    client.force_login(other)
    response = client.get(link)
    assert response.status_code == 400
    assert b"belongs to another account" in response.content
    assert not TOTPDevice.objects.filter(user=other).exists()


def test_a_tampered_set_up_link_is_refused(client, staff, ask_for_link):
    client.force_login(staff)
    link = ask_for_link()
    response = client.get(link.replace(":", ":x", 1))
    assert response.status_code == 400


def test_a_wrong_code_keeps_the_admin_closed(client, staff, ask_for_link):
    client.force_login(staff)
    link = ask_for_link()
    client.get(link)
    response = client.post(link, {"token": "000000"})
    assert response.status_code == 200
    assert b"did not match" in response.content
    assert client.get("/admin/").status_code == 302


def test_an_account_without_an_email_address_is_told_to_ask_an_admin(client, staff):
    staff.email = ""
    staff.save()
    client.force_login(staff)
    response = client.post("/admin/2fa/setup/")
    assert response.status_code == 400
    assert b"Ask an administrator to add your address" in response.content
    assert not TOTPDevice.objects.exists()


def test_user_with_a_device_must_enter_a_code_each_session(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/2fa/verify/")
    assert client.post("/admin/2fa/verify/", {"token": "12ab"}).status_code == 200
    response = client.post("/admin/2fa/verify/", {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_next_cannot_redirect_off_site(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    response = client.post(
        "/admin/2fa/verify/",
        {"token": current_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/admin/"


def test_repeated_wrong_passwords_lock_the_login(client, staff, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_correct_password_signs_in_while_under_the_limit(client, staff, settings):
    settings.AXES_ENABLED = True
    client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.parametrize("password", ["short1!", "password123456", "12345678901234"])
def test_weak_staff_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_production_hashes_passwords_with_argon2(settings):
    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hashed = make_password(PASSWORD, hasher="argon2")
    assert hashed.startswith("argon2$")


def test_logs_mask_email_addresses_and_tokens():
    record = logging.makeLogRecord(
        {
            "msg": "Sent receipt to %s with link %s",
            "args": (
                "jane.doe@example.org",
                "eyJzdXBwb3J0ZXIiOjF9:1vQx2c:abcdefghijklmnopqrstuv",
            ),
            "email": "jane.doe@example.org",
            "first_name": "Jane",
        }
    )
    PersonalDataFilter().filter(record)
    assert (
        record.getMessage() == "Sent receipt to j***@example.org with link [redacted]"
    )
    assert record.email == "[redacted]"
    assert record.first_name == "[redacted]"
    assert mask_text("key sk_live_abc123DEF") == "key [redacted]"


def test_admin_pages_ask_no_third_party_for_avatars(client, staff, settings):
    settings.ADMIN_2FA_REQUIRED = False
    client.force_login(staff)
    assert b"gravatar.com" not in client.get("/admin/").content
