"""Deployment checks of the site shell (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, register


@register("security", deploy=True)
def admin_two_factor_check(app_configs, **kwargs):
    """A deployment without the second factor lets a stolen staff password
    open the supporter list; only local development may turn it off."""
    if not getattr(settings, "ADMIN_2FA_REQUIRED", True):
        return [
            Error(
                "ADMIN_2FA_REQUIRED is off: staff can sign in and open "
                "login-restricted content with a password alone.",
                hint="Remove ADMIN_2FA_REQUIRED=false from the environment; "
                "two-factor may be off only in local development.",
                id="home.E001",
            )
        ]
    return []
