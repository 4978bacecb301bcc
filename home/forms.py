"""Forms of the site shell (HTTP only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    """The admin sign-in (WAGTAILADMIN_USER_LOGIN_FORM): says so when the
    account must wait (home/login_throttle.py) instead of "didn't match"."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            wait = getattr(self.request, "login_throttle_wait", 0)
            if not wait:
                raise
            minutes, seconds = divmod(wait, 60)
            when = f"{minutes} min {seconds} s" if minutes else f"{seconds} seconds"
            raise ValidationError(
                "There have been too many wrong passwords for this account, so "
                f"sign-in waits a little after each one. Try again in {when}.",
                code="throttled",
            ) from None
