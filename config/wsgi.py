"""WSGI entry point (gunicorn config.wsgi)."""

from config.startup import django_setup_or_exit

django_setup_or_exit("config.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
