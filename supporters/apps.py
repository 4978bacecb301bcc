from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "supporters"
    verbose_name = "Supporters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, personal_data, privacy, webhooks  # noqa: F401 - receivers

        # The supporters app erases last: deleting the Supporter row is final.
        privacy.register(
            "supporter",
            export=personal_data.supporter_export,
            erase=personal_data.supporter_erase_rows,
            order=1000,
        )
