"""ASGI entry point."""

from config.startup import django_setup_or_exit

django_setup_or_exit("config.settings.production")

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
