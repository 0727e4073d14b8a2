"""Demo counters: three at Kim Long's service centre, two at Thuận Hóa's. Running it twice
changes nothing; counters an administrator has changed keep their changes."""

from django.db import transaction

from applications.models import ServiceCounter
from procedures.demo import KIM_LONG, THUAN_HOA
from procedures.models import Field, Unit

# (unit code, counter number, name, fields by their Vietnamese name; empty = every field)
DEMO_COUNTERS = [
    (KIM_LONG, 1, "Hộ tịch - Chứng thực", ["Hộ tịch", "Chứng thực"]),
    (
        KIM_LONG,
        2,
        "Đất đai - Xây dựng - Kinh doanh",
        ["Đất đai", "Hoạt động xây dựng", "Đăng ký hộ kinh doanh"],
    ),
    (KIM_LONG, 3, "Tổng hợp", []),
    (THUAN_HOA, 1, "Hộ tịch - Chứng thực", ["Hộ tịch", "Chứng thực"]),
    (THUAN_HOA, 2, "Tổng hợp", []),
]


@transaction.atomic
def seed_counters() -> str:
    created = 0
    for unit_code, number, name, fields in DEMO_COUNTERS:
        unit = Unit.objects.get(code=unit_code)
        counter, was_created = ServiceCounter.objects.get_or_create(
            unit=unit, number=number, defaults={"name": name}
        )
        if was_created:
            counter.fields.set(Field.objects.filter(name_vi__in=fields))
            created += 1
    return f"Counters: {created} created"
