from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import checks, login_throttle, signals  # noqa: F401 - receivers
