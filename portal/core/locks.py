"""Named locks held until the end of the current transaction.

Two requests that must not both act (a double-clicked submit with one submission key) take the
same named lock: the second waits for the first to commit, then sees what it wrote. PostgreSQL
advisory locks; SQLite already writes one transaction at a time.
"""

import hashlib

from django.db import connection


def xact_lock(*name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name` (any strings)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b("\x1f".join(name).encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )
