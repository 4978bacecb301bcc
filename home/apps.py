from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import checks, jobs, login_throttle, signals  # noqa: F401
