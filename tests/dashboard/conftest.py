"""Dossiers written straight into the table (as the bench generator does), so that a test can
make hundreds with any moments and states; and the people of the access matrix."""

import itertools
from datetime import datetime, timedelta

import pytest

from applications import deadlines
from applications.models import ClockStop, Dossier, Rating
from portal.accounts.models import Role, StaffRole, User
from portal.core.time import VN_TZ
from procedures.models import Procedure, Unit
from procedures.services import working_calendar

KIM_LONG, THUAN_HOA = "19774", "19789"
_serial = itertools.count(1)


def vn(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def make_dossier(
    *,
    unit: Unit,
    procedure: Procedure,
    state: str,
    channel: str = "desk",
    submitted_at: datetime | None = None,
    received_at: datetime | None = None,
    due_at: datetime | None = None,
    resolved_at: datetime | None = None,
    closed_at: datetime | None = None,
    clock_stopped_at: datetime | None = None,
    is_transferred: bool = False,
    rating: int | None = None,
    stops: tuple = (),
) -> Dossier:
    """`stops`: the recorded stops that ended, each (started, ended, due before it)."""
    n = next(_serial)
    dossier = Dossier(
        code=f"{unit.code}-T{n:07d}",
        procedure=procedure,
        procedure_version=procedure.current_version,
        receiving_unit=unit,
        handling_unit=unit,
        applicant_name="Nguyễn Văn An",
        channel=channel,
        state=state,
        submitted_at=submitted_at or received_at,
        received_at=received_at,
        due_at=due_at,
        resolved_at=resolved_at,
        # As the services set it with the result.
        working_seconds=deadlines.working_seconds(working_calendar(unit), received_at, resolved_at),
        closed_at=closed_at,
        clock_stopped_at=clock_stopped_at,
        is_transferred=is_transferred,
        submission_key=f"t-{n}",
    )
    Dossier.objects.bulk_create([dossier])
    ClockStop.objects.bulk_create(
        ClockStop(dossier=dossier, kind=ClockStop.Kind.SUPPLEMENT, reason="Thiếu giấy tờ",
                  started_at=started, ended_at=ended, due_before=due_before)
        for started, ended, due_before in stops
    )  # fmt: skip
    if rating is not None:
        Rating.objects.create(
            dossier=dossier, overall=rating, time=rating, attitude=3, guidance=3, transparency=3
        )
    return dossier


@pytest.fixture
def wards(demo):
    return Unit.objects.get(code=KIM_LONG), Unit.objects.get(code=THUAN_HOA)


@pytest.fixture
def procedure(demo):
    return Procedure.objects.filter(current_version__isnull=False).order_by("code").first()


@pytest.fixture
def people(demo):
    """Everyone of the access matrix: an official, Kim Long's leader, Thuận Hóa's leader, a
    clerk, a specialist and a citizen."""
    leader, _created = User.objects.get_or_create(username="leader.thuanhoa")
    StaffRole.objects.get_or_create(
        user=leader, unit=Unit.objects.get(code=THUAN_HOA), role=Role.LEADER
    )
    return {name: User.objects.get(username=name) for name in (
        "official.hue", "leader.kimlong", "leader.thuanhoa", "clerk.kimlong",
        "specialist.kimlong", "citizen",
    )}  # fmt: skip


def later(moment: datetime, **delta) -> datetime:
    return moment + timedelta(**delta)
