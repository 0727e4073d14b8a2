"""The government's make-up working Saturdays since 2025.

The `holidays` package already gives the swapped weekdays off (Fri 2/5/2025, Mon 31/8/2026);
the Saturdays worked in exchange are entered here. Administrators add later years in the admin.
"""

from datetime import date

from django.db import migrations

SWAPS = [
    (date(2025, 4, 26), "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025", "Thông báo 6150/TB-BNV (2024) của Bộ Nội vụ"),
    (date(2026, 8, 22), "Làm bù cho ngày nghỉ thứ Hai 31/8/2026", "Thông báo của Bộ Nội vụ về nghỉ lễ Quốc khánh 2026"),
]


def add(apps, schema_editor):
    CalendarException = apps.get_model("procedures", "CalendarException")
    for day, name, basis in SWAPS:
        CalendarException.objects.get_or_create(
            date=day, defaults={"kind": "working_day", "name": name, "legal_basis": basis}
        )


def remove(apps, schema_editor):
    CalendarException = apps.get_model("procedures", "CalendarException")
    CalendarException.objects.filter(date__in=[day for day, _, _ in SWAPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
