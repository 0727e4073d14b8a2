"""The kernel's service skeleton (portal/core/workflow.py), on a real state machine (a
neighbourhood report): a stale version and a refused step are conflicts, never a 500; history
gets one row; side effects wait for the commit and are dropped on a rollback."""

import contextlib
from datetime import date

import pytest
from django.db import transaction

from feedback.errors import InvalidTransition as ReportInvalidTransition
from feedback.models import Report, ReportEvent
from portal.core import workflow
from portal.core.errors import Conflict, InvalidTransition, Stale
from portal.core.models import Counter
from portal.core.sequences import REPORT_CODE, last_number, next_number
from tests.factories.reports import ReportFactory

pytestmark = pytest.mark.django_db


def test_a_row_changed_since_the_user_saw_it_is_refused_as_stale():
    report = ReportFactory.create()
    with pytest.raises(Stale) as refused:
        workflow.lock(Report.objects.all(), report.pk, expected_version=report.version + 1)
    assert refused.value.status == 409
    assert refused.value.code == "conflict"
    assert workflow.lock(Report.objects.all(), report.pk, expected_version=report.version)


def test_a_step_the_state_machine_refuses_is_the_domains_invalid_transition():
    report = ReportFactory.create(resolved=True)
    with pytest.raises(ReportInvalidTransition) as refused:
        workflow.move(report, "start", error=ReportInvalidTransition)
    assert isinstance(refused.value, InvalidTransition)
    assert isinstance(refused.value, Conflict)
    assert refused.value.code == "invalid_transition"
    assert refused.value.extra == {"state": "resolved"}
    assert report.state == "resolved"


def test_a_step_saves_a_new_version_and_appends_one_history_row():
    report = ReportFactory.create(assigned=True)
    before_version, rows = report.version, ReportEvent.objects.filter(report=report).count()
    with transaction.atomic():
        locked = workflow.lock(Report.objects.all(), report.pk)
        before = workflow.move(locked, "start")
        workflow.save_moved(locked, [])
        event = workflow.record(
            ReportEvent,
            subject_field="report",
            subject=locked,
            action="start",
            from_state=before,
            actor=None,
        )
    report = Report.objects.get(pk=report.pk)
    assert (report.state, report.version) == ("in_progress", before_version + 1)
    assert (event.from_state, event.to_state, event.actor_label) == (
        "assigned",
        "in_progress",
        "system",
    )
    assert ReportEvent.objects.filter(report=report).count() == rows + 1


def test_side_effects_run_after_the_commit_and_never_after_a_rollback(
    django_capture_on_commit_callbacks,
):
    told = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        workflow.after_commit(told.append, "committed")
        assert told == []
    assert told == ["committed"]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        workflow.after_commit(told.append, "rolled back")
        raise RuntimeError
    assert told == ["committed"]
    assert callbacks == []


def test_one_counter_table_counts_each_scope_unit_and_day_apart():
    day = date(2026, 3, 2)
    with transaction.atomic():
        assert [next_number(REPORT_CODE, unit_id=1, day=day) for _ in range(3)] == [1, 2, 3]
        assert next_number(REPORT_CODE, unit_id=2, day=day) == 1
        assert next_number("another-scope", unit_id=1, day=day) == 1
    assert last_number(REPORT_CODE, unit_id=1, day=day) == 3
    assert Counter.objects.filter(unit_id=1, day=day).count() == 2


def test_a_rolled_back_caller_gives_its_number_back():
    day = date(2026, 3, 3)
    with contextlib.suppress(RuntimeError), transaction.atomic():
        next_number(REPORT_CODE, unit_id=1, day=day)
        raise RuntimeError
    assert next_number(REPORT_CODE, unit_id=1, day=day) == 1
