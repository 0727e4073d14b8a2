from django.core.management.base import BaseCommand

from applications.tasks import sweep_overdue


class Command(BaseCommand):
    help = "Run the overdue sweep that the timer runs, once, now; print how many were flagged."

    def handle(self, *args, **options):
        flagged = sweep_overdue()
        self.stdout.write(f"{flagged} dossier(s) flagged overdue.")
