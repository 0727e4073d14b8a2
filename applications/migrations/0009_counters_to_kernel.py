# Issue 9: dossier codes and queue tickets count in the kernel's one counter table
# (portal.Counter, scopes `dossier-code` and `queue-ticket`). Every row is copied first, so
# today's numbering continues without a repeated code; then the two old tables are dropped.
# Backwards: the tables come back and the rows are copied back.

from django.db import migrations

SCOPES = {"CodeCounter": "dossier-code", "TicketCounter": "queue-ticket"}


def copy_to_kernel(apps, schema_editor):
    Counter = apps.get_model("portal", "Counter")
    for name, scope in SCOPES.items():
        old = apps.get_model("applications", name)
        rows = old.objects.values_list("unit_id", "day", "last").iterator(chunk_size=2000)
        Counter.objects.bulk_create(
            (Counter(scope=scope, unit_id=unit, day=day, last=last) for unit, day, last in rows),
            batch_size=2000,
        )


def copy_back(apps, schema_editor):
    Counter = apps.get_model("portal", "Counter")
    for name, scope in SCOPES.items():
        old = apps.get_model("applications", name)
        rows = Counter.objects.filter(scope=scope).values_list("unit_id", "day", "last")
        old.objects.bulk_create(
            (old(unit_id=unit, day=day, last=last) for unit, day, last in rows.iterator()),
            batch_size=2000,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0008_history_append_only'),
        ('portal', '0004_counter'),
    ]

    operations = [
        migrations.RunPython(copy_to_kernel, copy_back, elidable=False),
        migrations.DeleteModel(name='CodeCounter'),
        migrations.DeleteModel(name='TicketCounter'),
    ]
