from django.core.management.base import BaseCommand, CommandError

from procedures.errors import ImportFailed
from procedures.importing import read_procedure_file
from procedures.services import procedures_import


class Command(BaseCommand):
    help = "Import procedures from a JSON or CSV file (format in README.md). All rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            records = read_procedure_file(file)
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Nothing imported: {len(exc.problems)} problem(s) in {file}"
            ) from None
        result = procedures_import(records=records)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(records)} procedures read: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
        )
