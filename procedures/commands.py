"""What management commands share."""

from django.core.management.base import CommandError

from procedures.errors import ImportFailed


def fail_import(command, exc: ImportFailed, file: str) -> CommandError:
    """Write every problem of a failed import, then the error that ends the command."""
    for problem in exc.problems:
        command.stderr.write(problem)
    return CommandError(f"Nothing imported: {len(exc.problems)} problem(s) in {file}")
