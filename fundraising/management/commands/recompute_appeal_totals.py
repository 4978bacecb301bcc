"""Check every appeal's stored totals against the records; --fix repairs."""

from django.core.management.base import BaseCommand

from fundraising.services.totals import appeal_totals_recompute


class Command(BaseCommand):
    help = "Recompute appeal totals from donations and external contributions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Write the recomputed totals."
        )

    def handle(self, *args, fix: bool = False, **options):
        drifts = appeal_totals_recompute(fix=fix)
        for drift in drifts:
            self.stdout.write(
                f"Drift: appeal {drift.appeal.pk} ({drift.appeal.name}) {drift.field}: "
                f"stored {drift.stored}, records say {drift.actual}"
                + (" (fixed)" if fix else "")
            )
        if not drifts:
            self.stdout.write(self.style.SUCCESS("No drift: stored totals match."))
        elif not fix:
            self.stdout.write("Run with --fix to repair.")
