"""Demo dossiers: a few hundred across states, wards, channels and fields."""

from pathlib import Path

from applications import services
from applications.generation import generate_dossiers
from applications.models import Dossier, State
from applications.services.backlog import import_backlog, read_backlog
from portal.accounts.models import User
from procedures.models import Procedure, Unit
from procedures.selectors import documents_required

DEMO_COUNT = 300
DEMO_PREFIX = "demo"


def seed_dossiers() -> str:
    if Dossier.objects.filter(submission_key__startswith=f"{DEMO_PREFIX}-").exists():
        return "Dossiers: demo dossiers already present"
    # Kim Long first: it gets about a third of them, the rest spread across Huế.
    units = [
        Unit.objects.get(code="19774"),
        *Unit.objects.filter(kind__in=["ward", "commune"]).exclude(code="19774"),
    ]
    made = generate_dossiers(count=DEMO_COUNT, units=units, key_prefix=DEMO_PREFIX, seed=118)
    return f"Dossiers: {made} demo dossiers"


# Synthetic rows in the shape of the dossiers Kim Long inherited from the former Phú Xuân
# district (about 400 in reality; names and phones are made up).
BACKLOG_FILE = Path(__file__).resolve().parent / "data" / "backlog_phu_xuan_kim_long.csv"


def seed_backlog() -> str:
    result = import_backlog(
        rows=read_backlog(BACKLOG_FILE),
        unit=Unit.objects.get(code="19774"),
        legacy=Unit.objects.get(code="475"),
    )
    return (
        f"Backlog from Phú Xuân district: {result.imported} new, "
        f"{result.already_present} already present"
    )


# Dossiers waiting for the leader's signature (issue 11: `awaiting_approval`), made through the
# real services: received at Kim Long's desk, handed to the specialist, proposed. Synthetic
# applicants; the key makes a second run find them and add none.
AWAITING_APPROVAL = [
    ("demo-approval-1", "Phan Thị Demo Một", "0905000101"),
    ("demo-approval-2", "Hồ Văn Demo Hai", "0905000102"),
]


def seed_awaiting_approval() -> str:
    clerk = User.objects.get(username="clerk.kimlong")
    specialist = User.objects.get(username="specialist.kimlong")
    unit = Unit.objects.get(code="19774")
    procedure = (
        Procedure.objects.filter(is_active=True, current_version__processing_amount__isnull=False)
        .select_related("current_version")
        .order_by("code")
        .first()
    )
    version = procedure.current_version if procedure is not None else None
    made = 0
    for key, name, phone in AWAITING_APPROVAL:
        if (
            procedure is None
            or version is None
            or Dossier.objects.filter(submitted_by=clerk, submission_key=key).exists()
        ):
            continue
        dossier = services.dossier_create(
            procedure=procedure,
            unit=unit,
            applicant=services.Applicant(name=name, phone=phone),
            channel="desk",
            actor=clerk,
            checked_documents=[d.pk for d in documents_required(version)],
            submission_key=key,
        )
        dossier = services.dossier_start_review(dossier=dossier, actor=specialist)
        dossier = services.dossier_propose(
            dossier=dossier, actor=specialist, note="Đề nghị lãnh đạo ký kết quả"
        )
        assert dossier.state == State.AWAITING_APPROVAL
        made += 1
    return f"Awaiting the leader's signature: {made} new"
