"""List recent Stripe events and sessions; apply anything the webhook missed."""

from django.core.management.base import BaseCommand, CommandError

from fundraising import gateway
from fundraising.services.reconcile import stripe_reconcile


class Command(BaseCommand):
    help = "Apply Stripe events the webhook missed (Stripe keeps 30 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, choices=range(1, 31))

    def handle(self, *args, days: int = 3, **options):
        try:
            result = stripe_reconcile(days=days)
        except gateway.GatewayError as error:
            raise CommandError(f"Stripe: {error}") from error
        self.stdout.write(
            f"Checked {result.events_seen} events and {result.sessions_seen} "
            f"checkout sessions from the last {days} days."
        )
        for event_id in result.events_missed:
            self.stdout.write(f"Applied missed event {event_id}")
        for session_id in result.sessions_unmatched:
            self.stdout.write(f"Session with no donation here: {session_id}")
        if not result.events_missed:
            self.stdout.write(self.style.SUCCESS("Nothing was missed."))
