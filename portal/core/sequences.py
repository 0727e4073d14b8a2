"""Numbers without gaps or duplicates: dossier codes, queue tickets, report codes.

A counter row per key (unit and day) is created if missing, then locked and bumped inside the
caller's transaction: a rolled-back caller gives its number back, two callers at once wait for
each other, so the numbers run 1, 2, 3... with none missing and none twice.
"""

from typing import Any

from django.db import models


def next_number(counter_model: type[models.Model], **key: Any) -> int:
    """The next number of the counter `counter_model` (fields `**key` and `last`)."""
    manager = counter_model._default_manager  # `objects`: counters declare no other manager
    manager.bulk_create([counter_model(**key, last=0)], ignore_conflicts=True)
    counter: Any = manager.select_for_update().get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    number: int = counter.last
    return number
