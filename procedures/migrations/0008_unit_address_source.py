"""Each unit's seat address keeps its own source (issue 13 item 3: the map's ward layer says
"Trụ sở: <address>" with where it comes from). The backfill copies the source column of
procedures/data/hue_units_supplement.csv for the units whose address is that file's, and fills
an empty address from it; an address someone changed is left alone, with no source."""

import csv
from pathlib import Path

from django.db import migrations, models

SUPPLEMENT = Path(__file__).resolve().parents[1] / "data" / "hue_units_supplement.csv"


def backfill(apps, schema_editor):
    Unit = apps.get_model("procedures", "Unit")
    if not SUPPLEMENT.exists():
        return
    with SUPPLEMENT.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        address = (row.get("admin_seat") or "").strip()
        source = (row.get("source") or "").strip()
        if not (row.get("code") and address and source):
            continue
        unit = Unit.objects.filter(code=row["code"]).first()
        if unit is None or unit.address not in ("", address):
            continue
        unit.address = address
        unit.address_source = source
        unit.save(update_fields=["address", "address_source"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0007_version_field_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="address_source",
            field=models.TextField(blank=True, verbose_name="source of the seat address"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
