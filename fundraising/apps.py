from django.apps import AppConfig


class FundraisingConfig(AppConfig):
    name = "fundraising"
    verbose_name = "Fundraising"

    def ready(self) -> None:
        from supporters import privacy

        from . import privacy as fundraising_privacy

        privacy.register(
            "donations",
            export=fundraising_privacy.donations_export,
            erase=fundraising_privacy.donations_erase,
        )
