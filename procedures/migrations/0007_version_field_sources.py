"""Each procedure version keeps the source of its documents, time and fee (issue 11, item 7).

The backfill gives each known field the version's stored source list (the catalogue file names its
sources per procedure, not per field) and leaves an unknown field's source null: no documents, no
processing time, no fee amount. The rule is the import's (ProcedureRecord.field_sources), copied
here so that the migration does not change when the code does.
"""

from django.db import migrations, models

BATCH = 500


def backfill(apps, schema_editor):
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    RequiredDocument = apps.get_model("procedures", "RequiredDocument")
    with_documents = set(RequiredDocument.objects.values_list("version_id", flat=True).distinct())
    versions = ProcedureVersion.objects.only("id", "source", "processing_unit", "fee_vnd")
    changed = []
    for version in versions.iterator(chunk_size=BATCH):
        source = version.source or None
        version.field_sources = {
            "documents": source if version.id in with_documents else None,
            "processing": source if version.processing_unit else None,
            "fee": source if version.fee_vnd is not None else None,
        }
        changed.append(version)
        if len(changed) >= BATCH:
            ProcedureVersion.objects.bulk_update(changed, ["field_sources"])
            changed = []
    ProcedureVersion.objects.bulk_update(changed, ["field_sources"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0006_catalogue_unknowns"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedureversion",
            name="field_sources",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text=(
                    "The source of the documents, the processing time and the fee, each null "
                    "when the field is unknown. The catalogue file names its sources per "
                    "procedure, not per field: a known field has the procedure's whole source "
                    "list."
                ),
                verbose_name="source of each field",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
