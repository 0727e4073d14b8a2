from django.core.management.base import BaseCommand, CommandError

from applications.services.backlog import import_backlog, read_backlog
from procedures.commands import fail_import
from procedures.errors import ImportFailed
from procedures.models import Unit


class Command(BaseCommand):
    help = "Import dossiers inherited from a former unit (CSV, README.md). All rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="code of the unit that now handles them")
        parser.add_argument("--from", dest="legacy", required=True, help="code of the former unit")

    def handle(self, *args, file, unit, legacy, **options):
        units = {u.code: u for u in Unit.objects.filter(code__in=[unit, legacy])}
        for code in (unit, legacy):
            if code not in units:
                raise CommandError(f"Unknown unit code {code}")
        try:
            result = import_backlog(rows=read_backlog(file), unit=units[unit], legacy=units[legacy])
        except ImportFailed as exc:
            raise fail_import(self, exc, file) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.imported} dossiers imported, {result.already_present} already present"
            )
        )
