"""TOTP two-factor authentication for every Wagtail admin user.

After the password, an admin user must prove possession of an authenticator
(django-otp's TOTP device). A user without a confirmed device is sent to set
one up (QR code and key), a user with one is asked for the current code. Until
then no admin page answers: the middleware redirects every ``/admin/`` request
except login, logout and these two pages. ``ADMIN_2FA_REQUIRED`` switches it
off only for local development (see config/settings/dev.py).
"""

from __future__ import annotations

from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

EXEMPT_PREFIXES = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/2fa/",
    "/admin/jsi18n/",
    "/admin/password_reset/",
)


class AdminTwoFactorMiddleware:
    """Redirect admin requests of users who have not passed the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_verify(request):
            target = "setup" if not user_has_device(request.user) else "verify"
            url = reverse(f"two_factor_{target}")
            return redirect(f"{url}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request) -> bool:
        if not settings.ADMIN_2FA_REQUIRED:
            return False
        if not request.path.startswith("/admin/"):
            return False
        if request.path.startswith(EXEMPT_PREFIXES):
            return False
        user = request.user
        return user.is_authenticated and not user.is_verified()


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="Six-digit code from your authenticator app",
        error_messages={"invalid": "Enter the six digits your app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def cleaned_token(self) -> str:
        return self.cleaned_data["token"].strip()


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@never_cache
@login_required(login_url="wagtailadmin_login")
def setup(request):
    """Pair an authenticator app, then confirm it with a first code."""
    if user_has_device(request.user):
        return redirect(f"{reverse('two_factor_verify')}?next={_next_url(request)}")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_token()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token", "That code did not match. Check the time on your phone."
        )
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - our SVG
            "manual_key": b32encode(device.bin_key).decode().rstrip("="),
        },
    )


@never_cache
@login_required(login_url="wagtailadmin_login")
def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_token())
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", "That code did not match. Try the newest code.")
    return render(
        request, "two_factor/verify.html", {"form": form, "next": _next_url(request)}
    )


urlpatterns = [
    path("setup/", setup, name="two_factor_setup"),
    path("verify/", verify, name="two_factor_verify"),
]
