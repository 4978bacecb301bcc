"""Each test starts with an empty cache: Wagtail caches site root paths and
renditions there, and page fragments are cached under a content version, so a
cache kept from an earlier (rolled back) test would show its data."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def staff(settings):
    """A staff member, with two-factor required (the test settings turn it off)."""
    settings.ADMIN_2FA_REQUIRED = True
    return get_user_model().objects.create_user(
        username="editor",
        email="editor@example.org",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
