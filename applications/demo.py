"""Demo dossiers: a few hundred across states, wards, channels and fields."""

from pathlib import Path

from applications import services
from applications.generation import generate_dossiers
from applications.models import Dossier, NationalRating, State
from applications.models.satisfaction import CRITERIA
from applications.services.backlog import import_backlog, read_backlog
from applications.services.ratings_national import national_rating_submit
from applications.workflow import FINISHED_STATES
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


# National-scheme ratings (issue 12): a few of Kim Long's finished online demo dossiers are the
# demo citizen's own (the generator makes up its applicants; these take her name and phone), and
# she rates them through the real service, as the rating page would.
DEMO_RATINGS = (18, 16, 14, 12, 10, 7)  # excellent, excellent, good, good, fair, average


def _criteria(score: int, turn: int) -> dict[str, int]:
    """Nine scores of 0, 1 or 2 adding up to `score`, the lower ones on different criteria."""
    keys = list(CRITERIA)
    keys = keys[turn % len(keys) :] + keys[: turn % len(keys)]
    twos = max(score - len(keys), 0)
    ones = min(score, len(keys)) - twos
    return {key: 2 if n < twos else 1 if n < twos + ones else 0 for n, key in enumerate(keys)}


def seed_national_ratings() -> str:
    citizen = User.objects.filter(username="citizen").first()
    if citizen is None:
        return "National ratings: no demo citizen"
    if NationalRating.objects.filter(rated_by=citizen).exists():
        return "National ratings: demo ratings already present"
    finished = Dossier.objects.filter(
        submission_key__startswith=f"{DEMO_PREFIX}-",
        handling_unit__code="19774",
        channel="online",
        state__in=FINISHED_STATES,
        national_rating__isnull=True,
    ).order_by("-resolved_at", "code")[: len(DEMO_RATINGS)]
    picked = [dossier.pk for dossier in finished]
    Dossier.objects.filter(pk__in=picked).update(
        applicant_user=citizen,
        applicant_name=f"{citizen.last_name} {citizen.first_name}".strip(),
        applicant_phone=citizen.phone,
    )
    for turn, (pk, score) in enumerate(zip(picked, DEMO_RATINGS, strict=False)):
        national_rating_submit(
            dossier=Dossier.objects.get(pk=pk),
            user=citizen,
            criteria=_criteria(score, turn),
            comment="",
        )
    return f"National ratings: {len(picked)} demo ratings by the demo citizen"
