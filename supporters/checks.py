"""Deployment checks (``manage.py check --deploy``, run by bin/check-deploy)."""

from django.conf import settings
from django.core.checks import Warning, register


@register("security", deploy=True)
def anymail_webhook_secret_check(app_configs, **kwargs):
    """Without the shared secret anyone could post fake bounces and
    complaints, and so suppress or unsubscribe any supporter."""
    secret = (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET")
    if getattr(settings, "EMAIL_ESP", "") and not secret:
        return [
            Warning(
                "ANYMAIL_WEBHOOK_SECRET is not set: the email tracking webhook "
                "would accept events from anyone.",
                hint="Set ANYMAIL_WEBHOOK_SECRET=user:long-random-password and the "
                "same credentials in the provider's webhook URL.",
                id="supporters.W001",
            )
        ]
    return []
