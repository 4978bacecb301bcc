from django.apps import AppConfig


class MailingsConfig(AppConfig):
    """Bulk mailings: compose in Wagtail, snapshot recipients, send in batches."""

    name = "supporters.mailings"
    label = "mailings"
    verbose_name = "Mailings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audience_providers, tracking  # noqa: F401 - registrations
