"""Timers and notices on dossiers, with frozen time: flagged once, reminded once, told once."""

import io
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from freezegun import freeze_time

from applications import services, tasks
from applications.models import ClockStop, Dossier, DossierEvent
from portal.accounts.models import Role
from portal.notifications.models import Notification
from portal.notifications.services import render
from tests.applications.conftest import desk_payload
from tests.factories import DossierFactory, ProcedureFactory, UnitFactory, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Tuesday 10 March 2026, 09:00: a 5-working-day procedure is due Tuesday 17 March, 09:00.
RECEIVED = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
DUE = datetime(2026, 3, 17, 9, 0, tzinfo=VN)


def act(api, user, code, action, **body):
    response = api(user).post(f"/api/v1/dossiers/{code}/{action}/", body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def receive(api, procedure, *, at=RECEIVED, assignee="specialist.kimlong", **extra):
    with freeze_time(at):
        response = api("clerk.kimlong").post(
            "/api/v1/dossiers/", desk_payload(procedure, **extra), format="json"
        )
        assert response.status_code == 201, response.json()
        code = response.json()["code"]
        if assignee:
            act(api, "clerk.kimlong", code, "start_review", assignee=assignee)
    return Dossier.objects.get(code=code)


@pytest.fixture
def ward(db):
    """A ward of its own with a clerk, a specialist and a leader (made by the factories)."""
    return UnitFactory()


@pytest.fixture
def five_days(db):
    """A procedure of 5 working days: received Tuesday 10 March 09:00, due 17 March 09:00."""
    return ProcedureFactory()


def taken(ward, procedure, *, at=RECEIVED, assignee=True):
    """Received at the desk at `at` and, unless `assignee=False`, handed to the specialist."""
    state = {"in_review": True} if assignee else {"received": True}
    return DossierFactory(unit=ward, procedure=procedure, at=at, **state)


def ask_for_supplement(ward, dossier):
    services.dossier_request_supplement(
        dossier=dossier, actor=staff(ward, Role.SPECIALIST), reason="Thiếu giấy"
    )


def username(ward, role):
    return staff(ward, role).username


def notices(dossier, template, **filters):
    return Notification.objects.filter(dossier=dossier, template=template, **filters)


# --- Citizens are told -----------------------------------------------------------------------


def test_the_citizen_gets_the_receipt_code_and_appointment_by_sms(api, procedure):
    dossier = receive(api, procedure, assignee=None, applicant_email="an@example.vn")
    sms = notices(dossier, "dossier_received", channel="sms").get()
    assert sms.recipient_phone == "0905111222"
    assert sms.context["code"] == dossier.code
    assert sms.context["due"] == "09:00 17/03/2026"
    assert notices(dossier, "dossier_received", channel="email").get().recipient_address == (
        "an@example.vn"
    )


def test_the_citizen_is_told_of_a_supplement_request_the_result_and_an_apology(api, procedure):
    dossier = receive(api, procedure)
    with freeze_time(datetime(2026, 3, 11, 9, 0, tzinfo=VN)):
        act(api, "specialist.kimlong", dossier.code, "request_supplement", reason="Thiếu bản sao")
        act(api, "clerk.kimlong", dossier.code, "supplement", note="Đã nộp bản sao")
    with freeze_time(datetime(2026, 3, 16, 9, 0, tzinfo=VN)):
        new = datetime(2026, 3, 20, 9, 0, tzinfo=VN).isoformat()
        act(
            api,
            "specialist.kimlong",
            dossier.code,
            "apologize",
            reason="Chờ xác minh",
            new_due_at=new,
        )
        act(api, "leader.kimlong", dossier.code, "resolve", result_number="12/QĐ")
    supplement = notices(dossier, "supplement_requested").get()
    assert supplement.context["reason"] == "Thiếu bản sao"
    assert supplement.context["officer"]
    apology = notices(dossier, "apology_issued").get()
    assert apology.context["new_due"] == "09:00 20/03/2026"
    assert notices(dossier, "result_ready").get().context["result_number"] == "12/QĐ"


# --- The overdue sweep -----------------------------------------------------------------------


def test_the_sweep_flags_an_overdue_dossier_once_with_a_system_row_and_tells_its_handlers(
    ward, five_days
):
    dossier = taken(ward, five_days)
    with freeze_time(DUE - timedelta(minutes=1)):
        assert tasks.sweep_overdue() == 0
    with freeze_time(DUE + timedelta(minutes=1)):
        assert tasks.sweep_overdue() == 1
        assert tasks.sweep_overdue() == 0
    with freeze_time(DUE + timedelta(hours=3)):
        assert tasks.sweep_overdue() == 0
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.overdue_flagged_at == DUE + timedelta(minutes=1)
    [event] = DossierEvent.objects.filter(dossier=dossier, action="flag_overdue")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.from_state == event.to_state == "in_review"
    told = notices(dossier, "dossier_overdue")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        username(ward, Role.LEADER),
        username(ward, Role.SPECIALIST),
    ]
    assert set(told.values_list("channel", "status")) == {("inapp", "sent")}


@pytest.mark.parametrize("late", [timedelta(0), timedelta(microseconds=250)])
def test_the_flag_history_keeps_the_due_moment_as_python_writes_it(ward, five_days, late):
    """The history row is written by the flagging statement itself (in SQL on PostgreSQL): its
    due moment reads exactly as `datetime.isoformat()` writes it, with or without microseconds."""
    dossier = taken(ward, five_days)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=DUE + late)
    assert tasks.sweep_overdue(now=DUE + timedelta(minutes=1)) == 1
    due_at = Dossier.objects.get(pk=dossier.pk).due_at
    [event] = DossierEvent.objects.filter(dossier=dossier, action="flag_overdue")
    assert event.extra == {"due_at": due_at.isoformat()}
    assert event.at == DUE + timedelta(minutes=1)
    [told] = notices(dossier, "dossier_overdue").filter(
        recipient__username=username(ward, Role.LEADER)
    )
    assert told.context["code"] == dossier.code
    assert told.context["due"] == "09:00 17/03/2026"
    assert told.context["procedure_vi"] == dossier.procedure_version.name_vi


def test_a_stopped_clock_or_a_finished_dossier_is_not_flagged(ward, five_days):
    waiting = taken(ward, five_days)
    done = taken(ward, five_days)
    with freeze_time(datetime(2026, 3, 12, 9, 0, tzinfo=VN)):
        ask_for_supplement(ward, waiting)
        services.dossier_resolve(dossier=done, actor=staff(ward, Role.LEADER), result_number="1/QĐ")
    with freeze_time(DUE + timedelta(days=2)):
        assert tasks.sweep_overdue() == 0
    assert not Dossier.objects.filter(overdue_flagged_at__isnull=False).exists()


def test_the_command_runs_the_sweep_now_and_says_how_many(ward, five_days):
    taken(ward, five_days)
    taken(ward, five_days, assignee=False)
    out = io.StringIO()
    with freeze_time(DUE + timedelta(minutes=5)):
        call_command("flag_overdue", stdout=out)
        assert out.getvalue().strip() == "2 dossier(s) flagged overdue."
        call_command("flag_overdue", stdout=out)
    assert out.getvalue().strip().endswith("0 dossier(s) flagged overdue.")
    assert DossierEvent.objects.filter(action="flag_overdue").count() == 2


def test_batches_flag_every_overdue_dossier(ward, five_days):
    dossiers = [taken(ward, five_days, assignee=False) for _ in range(5)]
    with freeze_time(DUE + timedelta(minutes=1)):
        assert tasks.sweep_overdue(batch=2) == 5
    assert DossierEvent.objects.filter(action="flag_overdue").count() == 5
    # One notice per dossier to the unit's leader (nobody assigned), never two.
    assert Notification.objects.filter(template="dossier_overdue").count() == 5
    assert {d.pk for d in dossiers} == set(
        Dossier.objects.filter(overdue_flagged_at__isnull=False).values_list("pk", flat=True)
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_flag_and_notify_each_dossier_once(api, procedure, demo_transactional):
    first = receive(api, procedure, assignee=None)
    for _ in range(39):
        receive(api, procedure, assignee=None)
    Dossier.objects.filter(pk__gte=first.pk).update(due_at=RECEIVED + timedelta(hours=1))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            # `now` given, not frozen: freezegun patches the clock for every thread at once.
            results.append(tasks.sweep_overdue(now=DUE, batch=7))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(results) == 40
    assert DossierEvent.objects.filter(action="flag_overdue").count() == 40
    assert Notification.objects.filter(template="dossier_overdue").count() == 40
    assert Dossier.objects.filter(overdue_flagged_at__isnull=True, pk__gte=first.pk).count() == 0


# --- Reminders and apology drafts ------------------------------------------------------------


def test_the_assignee_is_reminded_once_a_working_day_before_the_due_moment(ward, five_days):
    dossier = taken(ward, five_days)
    # Monday 16 March 08:00: 9 working hours left (3.5 + 3.5 + 2), more than a working day.
    with freeze_time(datetime(2026, 3, 16, 8, 0, tzinfo=VN)):
        tasks.remind()
    assert not notices(dossier, "due_soon").exists()
    with freeze_time(datetime(2026, 3, 16, 10, 0, tzinfo=VN)):
        assert tasks.remind()["reminded"] == 1
    with freeze_time(datetime(2026, 3, 16, 10, 15, tzinfo=VN)):
        assert tasks.remind()["reminded"] == 0
    told = notices(dossier, "due_soon")
    assert set(told.values_list("recipient__username", "channel")) == {
        (username(ward, Role.SPECIALIST), "inapp"),
        (username(ward, Role.SPECIALIST), "email"),
    }
    # Being processed: not likely late, so no apology is proposed.
    assert not DossierEvent.objects.filter(dossier=dossier, action="apology_draft").exists()


def test_a_short_procedure_is_reminded_at_a_quarter_of_its_time(ward):
    same_day = ProcedureFactory(version__same_day=True)  # same day, cut-off 15:00
    dossier = taken(ward, same_day)
    assert dossier.due_at.astimezone(VN).date() == RECEIVED.date()
    total = tasks.sweeps.working_calendar(dossier.handling_unit).working_time_between(
        dossier.received_at, dossier.due_at
    )
    reminder_at = dossier.due_at - total / 4
    with freeze_time(reminder_at - timedelta(minutes=10)):
        tasks.remind()
    assert not notices(dossier, "due_soon").exists()
    with freeze_time(reminder_at + timedelta(minutes=1)):
        tasks.remind()
    assert notices(dossier, "due_soon", channel="inapp").count() == 1


def test_a_dossier_nobody_took_up_gets_an_apology_draft_before_its_due_moment(api, ward, five_days):
    dossier = taken(ward, five_days, assignee=False)
    with freeze_time(datetime(2026, 3, 16, 10, 0, tzinfo=VN)):
        counts = tasks.remind()
        tasks.remind()
    assert counts["drafts"] == 1
    [draft] = DossierEvent.objects.filter(dossier=dossier, action="apology_draft")
    proposed = datetime.fromisoformat(draft.extra["proposed_due_at"])
    assert proposed > DUE
    assert draft.actor_label == "system"
    [notice] = notices(dossier, "apology_draft")
    assert notice.recipient == staff(ward, Role.LEADER)
    assert notice.context["proposed_due"]
    # The handler confirms with the existing action, before the due moment; the citizen hears.
    with freeze_time(datetime(2026, 3, 16, 11, 0, tzinfo=VN)):
        act(
            api,
            username(ward, Role.LEADER),
            dossier.code,
            "apologize",
            reason="Chưa có chuyên viên xử lý",
            new_due_at=proposed.isoformat(),
        )
    assert notices(dossier, "apology_issued", channel="sms").count() == 1


# --- Supplements left unanswered and the morning digest -------------------------------------


def test_a_supplement_request_unanswered_past_its_limit_is_reported_once(ward, five_days, settings):
    settings.MOTCUA_SUPPLEMENT_LIMIT_WORKING_DAYS = 3
    dossier = taken(ward, five_days)
    with freeze_time(datetime(2026, 3, 11, 9, 0, tzinfo=VN)):
        ask_for_supplement(ward, dossier)
    # Three working days later: Monday 16 March, 09:00.
    with freeze_time(datetime(2026, 3, 16, 8, 59, tzinfo=VN)):
        assert tasks.report_stale_supplements(now=datetime(2026, 3, 16, 8, 59, tzinfo=VN)) == 0
    with freeze_time(datetime(2026, 3, 16, 9, 30, tzinfo=VN)):
        tasks.remind()
        tasks.remind()
    told = notices(dossier, "supplement_overdue")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        username(ward, Role.LEADER),
        username(ward, Role.SPECIALIST),
    ]


def test_the_leader_digest_lists_due_today_overdue_and_stale_supplements_once_a_day(
    ward, five_days, settings
):
    settings.MOTCUA_SUPPLEMENT_LIMIT_WORKING_DAYS = 3
    due_today = taken(ward, five_days)
    overdue = taken(ward, five_days, at=RECEIVED - timedelta(days=1))
    waiting = taken(ward, five_days)
    with freeze_time(datetime(2026, 3, 11, 9, 0, tzinfo=VN)):
        ask_for_supplement(ward, waiting)
    morning = datetime(2026, 3, 17, 7, 0, tzinfo=VN)  # Tuesday: `due_today` is due at 09:00
    with freeze_time(morning):
        tasks.send_digests()
        tasks.send_digests()
    leader = staff(ward, Role.LEADER)
    digests = Notification.objects.filter(template="leader_digest", recipient=leader)
    assert sorted(digests.values_list("channel", flat=True)) == ["email", "inapp"]
    context = digests.first().context
    assert [d["code"] for d in context["due_today"]] == [due_today.code]
    assert [d["code"] for d in context["overdue"]] == [overdue.code]
    assert [d["code"] for d in context["supplement"]] == [waiting.code]
    assert (context["due_today_count"], context["overdue_count"], context["supplement_count"]) == (
        1,
        1,
        1,
    )
    subject, body = render(digests.first())
    assert "17/03/2026" in subject
    assert overdue.code in body
    assert due_today.code in body
    assert ClockStop.objects.filter(dossier=waiting, ended_at__isnull=True).exists()


def test_no_digest_on_a_day_off(ward, five_days):
    taken(ward, five_days)
    with freeze_time(datetime(2026, 3, 14, 7, 0, tzinfo=VN)):  # Saturday
        assert tasks.send_digests() == 0
    with freeze_time(datetime(2026, 4, 30, 7, 0, tzinfo=VN)):  # Reunification Day
        assert tasks.send_digests() == 0
    assert not Notification.objects.filter(template="leader_digest").exists()
