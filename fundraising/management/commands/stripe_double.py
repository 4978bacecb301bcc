"""Run the offline Stripe double for the keyless demo (never with live keys).

``make run`` starts it itself when no Stripe keys are set (bin/run-demo). By
hand::

    STRIPE_SECRET_KEY=sk_test_double STRIPE_WEBHOOK_SECRET=whsec_double \\
    STRIPE_API_BASE=http://127.0.0.1:12111 manage.py runserver
    manage.py stripe_double   # in another terminal, same variables
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fundraising import gateway
from fundraising.stripe_double import StripeDouble


class Command(BaseCommand):
    help = "Serve the offline Stripe double and deliver its webhooks to this site."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=12111)
        parser.add_argument(
            "--webhook-url",
            default=settings.BASE_URL.rstrip("/") + "/stripe/webhook/",
        )

    def handle(self, *args, port: int, webhook_url: str, **options):
        if gateway.is_live():
            raise CommandError("Live Stripe keys are set: the double is never used.")
        double = StripeDouble(
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET or "whsec_double",
            deliver_to=webhook_url,
        )
        try:
            double.start(port=port)
        except OSError as error:
            raise CommandError(
                f"Cannot serve the Stripe double on port {port} ({error.strerror}). "
                "Set STRIPE_DOUBLE_PORT to a free port."
            ) from error
        self.stdout.write(f"Stripe double on {double.url}, webhooks to {webhook_url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            double.stop()
