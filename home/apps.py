from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401 - checks and receivers
