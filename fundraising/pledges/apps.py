from django.apps import AppConfig


class PledgesConfig(AppConfig):
    """Pledges: promise now, be reminded at the right time, pay in one click.

    A sub-app of fundraising with its own label and migrations, so the pledge
    tables and their history stay apart from donations.
    """

    name = "fundraising.pledges"
    label = "pledges"
    verbose_name = "Pledges"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supporters import privacy

        from . import links, personal_data, receivers  # noqa: F401 - registers

        privacy.register(
            "pledges",
            export=personal_data.pledges_export,
            erase=personal_data.pledges_erase,
            order=50,
        )
