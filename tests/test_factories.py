"""The factories build only what the services build: each trait's dossier or report agrees, in
state, clock stops, timeliness and history, with one driven by hand through the services."""

import re
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from applications import services, timeliness
from applications.models import ClockStop, Payment
from feedback import services as reports
from portal.accounts.models import Role
from procedures.services import working_calendar
from tests.factories import (
    DossierFactory,
    ProcedureFactory,
    ReportFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
    required_documents,
    staff,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Tuesday 10 March 2026, 09:00: a 5-working-day procedure is due Tuesday 17 March, 09:00.
AT = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
DUE = datetime(2026, 3, 17, 9, 0, tzinfo=VN)

pytestmark = pytest.mark.django_db

# trait: (state, history actions, open clock stop kind, timeliness at AT)
TRAITS = {
    "submitted": ("submitted", ["submit"], None, "on_track"),
    "received": ("received", ["submit", "receive"], None, "on_track"),
    "in_review": ("in_review", ["submit", "receive", "start_review"], None, "on_track"),
    "awaiting_supplement": (
        "awaiting_supplement",
        ["submit", "receive", "start_review", "request_supplement"],
        ClockStop.Kind.SUPPLEMENT,
        "on_track",
    ),
    "awaiting_payment": (
        "awaiting_payment",
        ["submit", "receive", "start_review", "request_payment"],
        ClockStop.Kind.PAYMENT,
        "on_track",
    ),
    "resolved": ("resolved", ["submit", "receive", "start_review", "resolve"], None, "early"),
    "rejected": ("rejected", ["submit", "receive", "start_review", "reject"], None, "early"),
    "stopped": ("stopped", ["submit", "receive", "start_review", "stop"], None, None),
    "returned": (
        "returned",
        ["submit", "receive", "start_review", "resolve", "return_result"],
        None,
        "early",
    ),
    "withdrawn": ("withdrawn", ["submit", "withdraw"], None, None),
    "refused": ("refused", ["submit", "refuse"], None, None),
    "overdue": (
        "in_review",
        ["submit", "receive", "start_review", "flag_overdue"],
        None,
        "overdue",
    ),
}


@pytest.mark.parametrize("trait", TRAITS)
def test_each_trait_gives_the_state_history_clock_and_timeliness_the_services_give(trait):
    state, actions, open_stop, judged = TRAITS[trait]
    dossier = DossierFactory(**{trait: True}, at=AT)
    assert dossier.state == state
    assert list(dossier.events.values_list("action", flat=True)) == actions
    stops = dossier.clock_stops.filter(ended_at__isnull=True)
    assert list(stops.values_list("kind", flat=True)) == ([open_stop] if open_stop else [])
    assert (dossier.clock_stopped_at is not None) == bool(open_stop)
    assert timeliness.of(dossier, AT) == judged
    # Each history row goes from the state before to the state after, in order.
    events = list(dossier.events.all())
    assert events[0].from_state == ""
    for before, after in pairwise(events):
        assert after.from_state == before.to_state
    assert events[-1].to_state == dossier.state


@pytest.mark.parametrize("trait", TRAITS)
def test_a_dossier_code_has_the_counters_shape(trait):
    dossier = DossierFactory(**{trait: True}, at=AT)
    assert re.fullmatch(rf"{dossier.receiving_unit.code}-\d{{6}}-\d{{4}}", dossier.code)


def test_codes_of_one_unit_and_day_follow_each_other():
    unit = UnitFactory()
    first, second = (DossierFactory(unit=unit, at=AT) for _ in range(2))
    assert first.code == f"{unit.code}-260310-0001"
    assert second.code == f"{unit.code}-260310-0002"


def test_the_due_moment_comes_from_the_real_calendar():
    dossier = DossierFactory(in_review=True, at=AT)
    assert dossier.received_at == AT
    assert dossier.due_at == DUE
    version = dossier.procedure_version
    assert dossier.due_at == working_calendar(dossier.handling_unit).due_at(
        dossier.received_at, unit=version.processing_unit, amount=version.processing_amount
    )


def test_a_same_day_procedure_received_after_the_cut_off_is_due_the_next_working_day():
    procedure = ProcedureFactory(version__same_day=True)
    dossier = DossierFactory(procedure=procedure, at=datetime(2026, 3, 10, 15, 30, tzinfo=VN))
    assert dossier.due_at.astimezone(VN).date() == datetime(2026, 3, 11).date()


def test_a_working_hours_procedure_is_due_eight_working_hours_later():
    procedure = ProcedureFactory(version__working_hours=True)
    dossier = DossierFactory(procedure=procedure, at=AT)
    assert dossier.due_at == datetime(2026, 3, 11, 9, 0, tzinfo=VN)


def test_an_awaiting_payment_dossier_has_a_pending_payment_for_its_fee():
    dossier = DossierFactory(awaiting_payment=True, at=AT)
    payment = dossier.payments.get()
    assert payment.status == Payment.Status.PENDING
    assert payment.amount_vnd == dossier.fee_vnd == 50_000


def test_an_overdue_dossier_is_past_due_flagged_once_and_its_handlers_told():
    dossier = DossierFactory(overdue=True, at=AT)
    assert dossier.due_at < AT
    assert dossier.overdue_flagged_at == AT
    flag = dossier.events.get(action="flag_overdue")
    assert (flag.actor, flag.actor_label, flag.at) == (None, "system", AT)
    told = {n.recipient for n in dossier.notifications.filter(template="dossier_overdue")}
    unit = dossier.handling_unit
    assert told == {staff(unit, Role.SPECIALIST), staff(unit, Role.LEADER)}


def test_an_online_dossier_keeps_its_files_and_channel():
    dossier = DossierFactory(channel="online", at=AT)
    assert dossier.channel == "online"
    assert dossier.applicant_user is not None
    documents = set(dossier.attachments.values_list("document_id", flat=True))
    assert documents == set(required_documents(dossier.procedure))


def test_a_factory_dossier_matches_one_driven_by_hand_through_the_services():
    unit, procedure = UnitFactory(), ProcedureFactory()
    made = DossierFactory(awaiting_supplement=True, unit=unit, procedure=procedure, at=AT)
    clerk, specialist = staff(unit, Role.CLERK), staff(unit, Role.SPECIALIST)
    with freeze_time(AT):
        by_hand = services.dossier_create(
            procedure=procedure,
            unit=unit,
            applicant=services.Applicant(name="Nguyễn Văn An", phone="0905111222"),
            channel="desk",
            actor=clerk,
            checked_documents=required_documents(procedure),
        )
        by_hand = services.dossier_start_review(dossier=by_hand, actor=clerk, assignee=specialist)
        by_hand = services.dossier_request_supplement(
            dossier=by_hand, actor=specialist, reason="Thiếu giấy"
        )

    def shape(d):
        stop = d.clock_stops.get()
        return (
            d.state,
            d.received_at,
            d.due_at,
            d.clock_stopped_at,
            d.assignee,
            d.supplement_requests,
            d.version,
            (stop.kind, stop.started_at, stop.ended_at, stop.due_before),
            [(e.action, e.from_state, e.to_state, e.actor, e.at) for e in d.events.all()],
        )

    assert shape(made) == shape(by_hand)


def test_staff_hold_their_role_in_their_unit():
    unit = UnitFactory()
    for role in Role.values:
        user = StaffFactory(unit=unit, role=role)
        assert list(user.staff_roles.values_list("unit", "role")) == [(unit.pk, role)]
    assert not UserFactory().staff_roles.exists()
    assert StaffFactory(leader=True, unit=unit).staff_roles.get().role == Role.LEADER


def test_a_dossier_cannot_be_built_without_the_services():
    with pytest.raises(TypeError):
        DossierFactory.build()


# --- Reports ---------------------------------------------------------------------------------

REPORT_TRAITS = {
    "new": ("new", ["submit"]),
    "assigned": ("assigned", ["submit", "assign"]),
    "in_progress": ("in_progress", ["submit", "assign", "start"]),
    "resolved": ("resolved", ["submit", "assign", "start", "resolve"]),
    "rejected": ("rejected", ["submit", "reject"]),
    "rated": ("resolved", ["submit", "assign", "start", "resolve", "rate"]),
}


@pytest.mark.parametrize("trait", REPORT_TRAITS)
def test_each_report_trait_gives_the_state_and_history_the_services_give(trait):
    state, actions = REPORT_TRAITS[trait]
    report = ReportFactory(**{trait: True}, at=AT)
    assert report.state == state
    assert list(report.events.values_list("action", flat=True)) == actions
    assert re.fullmatch(rf"PA-{report.unit.code}-260310-\d{{4}}", report.code)
    assert report.pickup_due_at == reports.pickup_due(
        unit=report.unit, category=report.category, at=AT
    )
    assert (report.rating == 5) == (trait == "rated")


def test_without_a_moment_the_walk_runs_at_the_tests_own_time():
    with freeze_time(AT):
        assert DossierFactory().received_at == AT
        overdue = DossierFactory(overdue=True)
        assert ReportFactory(resolved=True).resolved_at == AT
    assert overdue.overdue_flagged_at == AT
    assert overdue.received_at < overdue.due_at < AT
