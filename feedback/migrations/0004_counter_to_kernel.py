# Issue 9: report codes count in the kernel's one counter table (portal.Counter, scope
# `report-code`). Every row is copied first, so today's numbering continues without a repeated
# code; then the old table is dropped. Backwards: the table comes back and the rows are copied back.

from django.db import migrations

SCOPE = "report-code"


def copy_to_kernel(apps, schema_editor):
    Counter = apps.get_model("portal", "Counter")
    ReportCounter = apps.get_model("feedback", "ReportCounter")
    rows = ReportCounter.objects.values_list("unit_id", "day", "last").iterator(chunk_size=2000)
    Counter.objects.bulk_create(
        (Counter(scope=SCOPE, unit_id=unit, day=day, last=last) for unit, day, last in rows),
        batch_size=2000,
    )


def copy_back(apps, schema_editor):
    Counter = apps.get_model("portal", "Counter")
    ReportCounter = apps.get_model("feedback", "ReportCounter")
    rows = Counter.objects.filter(scope=SCOPE).values_list("unit_id", "day", "last")
    ReportCounter.objects.bulk_create(
        (ReportCounter(unit_id=unit, day=day, last=last) for unit, day, last in rows.iterator()),
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0003_history_append_only'),
        ('portal', '0004_counter'),
    ]

    operations = [
        migrations.RunPython(copy_to_kernel, copy_back, elidable=False),
        migrations.DeleteModel(name='ReportCounter'),
    ]
