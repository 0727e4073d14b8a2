"""Demo staff and citizens (DESIGN.md): password demo12345 for all."""

from django.db import transaction

from portal.accounts.models import Role, StaffRole, User
from procedures.demo import KIM_LONG, PROVINCE_CODE, THUAN_HOA
from procedures.models import Unit

DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password, demo data only

DEMO_ACCOUNTS = [
    # username, first name, last name, email, phone, (unit code, role) or None
    ("citizen", "Lan", "Nguyễn Thị", "citizen@example.vn", "0905123456", None),
    ("citizen2", "Minh", "Trần Văn", "citizen2@example.vn", "0914654321", None),
    ("clerk.kimlong", "Hoa", "Lê Thị", "clerk.kimlong@example.vn", "", (KIM_LONG, Role.CLERK)),
    (
        "specialist.kimlong",
        "Tuấn",
        "Phan Anh",
        "specialist.kimlong@example.vn",
        "",
        (KIM_LONG, Role.SPECIALIST),
    ),
    ("leader.kimlong", "Hùng", "Võ Văn", "leader.kimlong@example.vn", "", (KIM_LONG, Role.LEADER)),
    ("clerk.thuanhoa", "Mai", "Hồ Thị", "clerk.thuanhoa@example.vn", "", (THUAN_HOA, Role.CLERK)),
    # The city's triage desk: a clerk of the city's own unit sends a report that named no ward
    # (and that no known ward area holds) to the ward that covers it (feedback/routing.py).
    ("triage.hue", "Thảo", "Ngô Thị", "triage.hue@example.vn", "", (PROVINCE_CODE, Role.CLERK)),
    (
        "official.hue",
        "Quang",
        "Đặng Minh",
        "official.hue@example.vn",
        "",
        (PROVINCE_CODE, Role.OFFICIAL),
    ),
]


@transaction.atomic
def seed_accounts() -> int:
    created = 0
    for username, first, last, email, phone, role in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": email, "phone": phone},
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        if role:
            unit = Unit.objects.get(code=role[0])
            StaffRole.objects.get_or_create(user=user, unit=unit, role=role[1])
    return created
