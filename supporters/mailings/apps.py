from django.apps import AppConfig


class MailingsConfig(AppConfig):
    """Bulk mailings: compose in Wagtail, snapshot recipients, send in batches."""

    name = "supporters.mailings"
    label = "mailings"
    verbose_name = "Mailings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supporters import privacy

        from . import audience_providers, personal_data, tracking  # noqa: F401

        # Unlink before the supporters app deletes the person (order 1000).
        privacy.register(
            "mailings",
            export=personal_data.deliveries_export,
            erase=personal_data.deliveries_erase,
            order=900,
        )
