"""Check every appeal's stored totals against the records; --fix repairs.
Then check each appeal's spending ledger ("Where the money goes"): rows that
break its rules, and spending beyond the money. Ledger problems are reported,
never "fixed": approved entries are corrected by reversing entries."""

from django.core.management.base import BaseCommand

from fundraising.ledger.selectors import ledger_check
from fundraising.models import Appeal
from fundraising.services.totals import appeal_totals_recompute


class Command(BaseCommand):
    help = (
        "Recompute appeal totals from donations and external contributions, "
        "and check each appeal's spending ledger."
    )

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
        problems = [
            problem
            for appeal in Appeal.objects.order_by("pk")
            for problem in ledger_check(appeal=appeal)
        ]
        for problem in problems:
            self.stdout.write(
                f"Ledger: appeal {problem.appeal.pk} ({problem.appeal.name}): "
                f"{problem.message}"
            )
        if not problems:
            self.stdout.write(
                self.style.SUCCESS(
                    "Ledgers: no problems (raised is the stored total above)."
                )
            )
