"""Seed the demo site. Safe to run any number of times."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each seeder is idempotent and takes a ``log`` callable; later layers may rely
# on earlier ones (the campaign page needs the home page and the appeal).
SEEDERS = [
    "home.seed.seed_home",
    "supporters.seed.seed_supporters",
    "fundraising.seed.seed_fundraising",
    "campaign.seed.seed_campaign",
    # After the campaign: demo pledges wait on its timeline's milestones.
    "fundraising.pledges.seed.seed_pledges",
    "fundraising.ledger.seed.seed_ledger",
    "home.seed.seed_site",
    "home.seed.seed_editorial_workflow",
    "supporters.mailings.seed.seed_mailings",
    "home.seed.seed_admin",
]


class Command(BaseCommand):
    help = "Create or update the demo content and the demo admin account."

    def handle(self, *args, **options) -> None:
        for path in SEEDERS:
            import_string(path)(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
