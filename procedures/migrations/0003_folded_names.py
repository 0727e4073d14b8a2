from django.db import migrations, models

from procedures.text import fold


def fill(apps, schema_editor):
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    for version in ProcedureVersion.objects.all().only("pk", "name_vi", "name_en"):
        ProcedureVersion.objects.filter(pk=version.pk).update(
            name_folded=fold(version.name_vi), name_en_folded=fold(version.name_en)
        )


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_government_calendar_swaps")]
    operations = [
        migrations.AddField(
            model_name="procedureversion",
            name="name_folded",
            field=models.CharField(default="", editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="procedureversion",
            name="name_en_folded",
            field=models.CharField(default="", editable=False, max_length=500),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
