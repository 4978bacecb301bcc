"""Deployment checks (``manage.py check --deploy``, run by bin/check-deploy)."""

from django.conf import settings
from django.core.checks import Error, register


@register("security", deploy=True)
def anymail_webhook_secret_check(app_configs, **kwargs):
    """Without the shared secret anyone could post fake bounces and
    complaints, and so suppress or unsubscribe any supporter. The webhook
    switches itself off then (supporters/anymail_urls.py), so bounces would
    go unrecorded: a deployment must set it."""
    secret = (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET")
    if getattr(settings, "EMAIL_ESP", "") and not secret:
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET is not set: the email tracking webhook "
                "is switched off, so bounces and complaints go unrecorded.",
                hint="Set ANYMAIL_WEBHOOK_SECRET=user:long-random-password and the "
                "same credentials in the provider's webhook URL.",
                id="supporters.E001",
            )
        ]
    return []
