from django.core.management.base import BaseCommand

from procedures.commands import fail_import
from procedures.errors import ImportFailed
from procedures.importing import read_procedure_file, unknown_counts
from procedures.services import procedures_import


class Command(BaseCommand):
    help = "Import procedures from a JSON or CSV file (format in README.md). All rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            records = read_procedure_file(file)
        except ImportFailed as exc:
            raise fail_import(self, exc, file) from None
        result = procedures_import(records=records)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(records)} procedures read: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
        )
        # Issue 11: what the catalogue leaves unknown, so that nobody mistakes it for complete.
        self.stdout.write(f"Unknown, of {len(records)} procedures:")
        for field, count in unknown_counts(records).items():
            self.stdout.write(f"  {field}: {count}")
