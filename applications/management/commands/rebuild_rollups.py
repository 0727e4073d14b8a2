"""Rebuild the dashboard's rollup from the dossiers (ADR 0015): after a restore, or to check it.
The triggers keep it exact on every write; this is for data that came in another way."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.selectors import cohort_rollup, rollups


class Command(BaseCommand):
    help = "Rebuild the dashboard's dossier rollup from the dossiers (PostgreSQL)."

    def handle(self, *args, **options):
        if not rollups.available():
            raise CommandError("The rollup lives on PostgreSQL only.")
        began = time.perf_counter()
        with transaction.atomic():
            rollups.rebuild()
            cohort_rollup.rebuild()
        self.stdout.write(f"Rollup rebuilt in {time.perf_counter() - began:.1f} s.")
