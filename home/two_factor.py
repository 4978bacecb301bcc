"""TOTP two-factor authentication for every Wagtail admin user.

After the password, an admin user must prove possession of an authenticator
(django-otp's TOTP device). Until then no admin page answers: the middleware
redirects every ``/admin/`` request except login, logout and these pages.

- **Enrolment needs the owner's mailbox.** A user without a device asks for a
  set-up link; it is emailed to the account's address, works for one hour,
  only in a session signed in as that user, and only once: it names a fresh
  unconfirmed device and its key fingerprint, so confirming the device (or
  asking for another link, which makes a new key) spends it. Someone who only
  guessed the password cannot pair their own authenticator.
- **A password-only session is anonymous outside the admin.** Login-restricted
  pages and documents, and anything else that reads ``request.user`` on the
  public site, see an anonymous visitor until the second factor is passed;
  Wagtail's front-end login form (``/_util/login/``) is replaced by a redirect
  to the admin's sign-in and then this check (``front_end_login``).

``ADMIN_2FA_REQUIRED`` switches it off only for local development (see
config/settings/dev.py); ``check --deploy`` fails without it (home/checks.py).
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from supporters.addresses import email_mask
from supporters.emails import email_enqueue

EXEMPT_PREFIXES = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/2fa/",
    "/admin/jsi18n/",
    "/admin/sprite/",  # the icon sprite the sign-in pages themselves load
    "/admin/password_reset/",
)
ENROL_SALT = "home.two_factor.enrol"
ENROL_LINK_MAX_AGE = 3600  # seconds
ENROL_EMAIL_INTERVAL = 60  # seconds between two set-up emails for one user


class AdminTwoFactorMiddleware:
    """Admin: redirect users who have not passed the second factor. Public
    site: a session without the second factor is an anonymous visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ADMIN_2FA_REQUIRED:
            if request.path.startswith("/admin/"):
                if self._must_verify(request):
                    target = "setup" if not user_has_device(request.user) else "verify"
                    url = reverse(f"two_factor_{target}")
                    return redirect(f"{url}?next={request.get_full_path()}")
            else:
                self._password_only_is_anonymous(request)
        return self.get_response(request)

    @staticmethod
    def _must_verify(request) -> bool:
        if request.path.startswith(EXEMPT_PREFIXES):
            return False
        user = request.user
        return user.is_authenticated and not user.is_verified()

    @staticmethod
    def _password_only_is_anonymous(request) -> None:
        # Lazy, like Django's own request.user: pages that never look at the
        # user never touch the session (and stay cacheable).
        session_user = request.user

        def password_only():
            user = session_user
            return user if user.is_authenticated and not user.is_verified() else None

        def visible_user():
            if password_only() is None:
                return session_user
            anonymous = AnonymousUser()
            anonymous.is_verified = lambda: False
            return anonymous

        request.password_only_user = SimpleLazyObject(password_only)
        request.user = SimpleLazyObject(visible_user)


def front_end_login(request):
    """Where Wagtail sends a visitor who must sign in to see a restricted page
    or document (``/_util/login/``, WAGTAIL_FRONTEND_LOGIN_URL). There is no
    password-only form here: a signed-in user still owing the second factor
    goes to it, anyone else to the admin's sign-in (which asks for both)."""
    target = _next_url(request, default="/")
    query = urlencode({"next": target})
    pending = getattr(request, "password_only_user", None)
    if pending:
        step = "setup" if not user_has_device(pending) else "verify"
        return redirect(f"{reverse(f'two_factor_{step}')}?{query}")
    return redirect(f"{reverse('wagtailadmin_login')}?{query}")


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


def _next_url(request, default: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("wagtailadmin_home")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _key_fingerprint(device: TOTPDevice) -> str:
    return hashlib.sha256(device.key.encode()).hexdigest()[:16]


@transaction.atomic
def enrolment_link_send(*, user, next_url: str) -> None:
    """A fresh unconfirmed device and a single-use link to pair it, emailed to
    the account's own address. Any earlier link stops working."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(
        user=user, confirmed=False, name="Authenticator app"
    )
    token = signing.dumps(
        {"u": user.pk, "d": device.pk, "k": _key_fingerprint(device), "n": next_url},
        salt=ENROL_SALT,
    )
    email_enqueue(
        template="two_factor_enrol",
        to=user.email,
        context={
            "enrol_url": settings.BASE_URL + reverse("two_factor_enrol", args=[token]),
            "minutes": ENROL_LINK_MAX_AGE // 60,
            "username": user.get_username(),
        },
        kind="transactional",
        tags=["two-factor"],
    )


def _device_from_link(request, token: str) -> tuple[TOTPDevice | None, str]:
    try:
        payload = signing.loads(token, salt=ENROL_SALT, max_age=ENROL_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    if not isinstance(payload, dict) or payload.get("u") != request.user.pk:
        return None, "other-user"
    device = TOTPDevice.objects.filter(
        pk=payload.get("d"), user=request.user, confirmed=False
    ).first()
    if device is None or _key_fingerprint(device) != payload.get("k"):
        return None, "used"
    return device, str(payload.get("n") or "")


@never_cache
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
def setup(request):
    """No device yet: email a set-up link to the account's own address."""
    if user_has_device(request.user):
        return redirect(f"{reverse('two_factor_verify')}?next={_next_url(request)}")
    email = request.user.email
    context = {"next": _next_url(request), "masked_email": email_mask(email or "")}
    status = 200
    if request.method == "POST":
        if not email:
            context["problem"] = "no-email"
            status = 400
        elif not cache.add(
            f"two-factor-enrol:{request.user.pk}", 1, ENROL_EMAIL_INTERVAL
        ):
            context["problem"] = "too-soon"
            status = 429
        else:
            enrolment_link_send(user=request.user, next_url=_next_url(request))
            context["sent"] = True
    return render(request, "two_factor/setup.html", context, status=status)


@never_cache
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
def enrol(request, token: str):
    """The emailed link: pair an authenticator app, confirm it with a code."""
    if user_has_device(request.user):
        return redirect("two_factor_verify")
    device, next_or_problem = _device_from_link(request, token)
    if device is None:
        return render(
            request,
            "two_factor/enrol_link_problem.html",
            {"problem": next_or_problem},
            status=400,
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_token()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(next_or_problem or reverse("wagtailadmin_home"))
        form.add_error(
            "token", "That code did not match. Check the time on your phone."
        )
    return render(
        request,
        "two_factor/enrol.html",
        {
            "form": form,
            "next": next_or_problem,
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
    path("setup/<str:token>/", enrol, name="two_factor_enrol"),
    path("verify/", verify, name="two_factor_verify"),
]
