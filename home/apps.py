from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import jobs, signals  # noqa: F401 - connects the receivers
