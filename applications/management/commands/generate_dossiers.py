import time

from django.core.management.base import BaseCommand, CommandError

from applications.generation import generate_dossiers


class Command(BaseCommand):
    help = "Write N synthetic dossiers in bulk (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, count, seed, days, **options):
        if not 1 <= count <= 5_000_000:
            raise CommandError("N must be between 1 and 5,000,000")
        started = time.perf_counter()
        prefix = f"gen{seed}-{int(time.time())}"
        made = generate_dossiers(count=count, seed=seed, days=days, key_prefix=prefix)
        self.stdout.write(
            self.style.SUCCESS(f"{made} dossiers in {time.perf_counter() - started:.1f} s")
        )
