from django.core.management.base import BaseCommand

from applications.demo import (
    seed_awaiting_approval,
    seed_backlog,
    seed_dossiers,
    seed_national_ratings,
)
from applications.demo_tickets import seed_counters
from feedback.demo import seed_feedback
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_accounts
from procedures.demo import seed_catalogue, seed_units


class Command(BaseCommand):
    help = "Load the demo province: Huế's units, procedures, staff and dossiers. Idempotent."

    def handle(self, *args, **options):
        units = seed_units()
        self.stdout.write(
            f"Units: {units['units']} wards and communes, {units['districts']} former districts, "
            f"{units['former_units']} former wards and communes"
        )
        catalogue = seed_catalogue()
        self.stdout.write(
            f"Procedures: {catalogue.created} new, {catalogue.updated} updated, "
            f"{catalogue.unchanged} unchanged"
        )
        created = seed_accounts()
        self.stdout.write(f"Demo accounts: {created} new (password {DEMO_PASSWORD})")
        self.stdout.write(seed_dossiers())
        self.stdout.write(seed_backlog())
        self.stdout.write(seed_awaiting_approval())
        self.stdout.write(seed_national_ratings())
        self.stdout.write(seed_counters())
        self.stdout.write(seed_feedback())
        self.stdout.write(
            self.style.SUCCESS("Demo ready: " + ", ".join(a[0] for a in DEMO_ACCOUNTS))
        )
