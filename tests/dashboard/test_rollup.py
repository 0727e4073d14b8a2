"""The rollup the triggers keep (ADR 0015) is the one a rebuild makes from the dossiers, after
the services' writes: reception, a stop and its restart, results, a rating, a withdrawal, the
overdue sweep's bulk update and a transfer of the handling unit."""

import pytest
from django.db import connection

from applications import services
from applications.models import Dossier
from applications.selectors import cohort_rollup, rollups
from portal.accounts.models import Role
from tests.factories import DossierFactory
from tests.factories.catalogue import staff

pytestmark = pytest.mark.django_db


def _table() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, field_id, channel, day, received, received_online_full, refused, "
            "finished_early, finished_on_time, finished_late, rated, rating_sum, open, "
            "open_inherited, overdue, waiting_citizen, waiting_desk "
            "FROM applications_dossierrollup"
        )
        return {row for row in cursor.fetchall() if any(row[4:])}


def _cohort() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM applications_dossiercohort")
        return {row[1:] for row in cursor.fetchall() if any(row[5:])}


def _months() -> tuple[set[tuple], set[tuple]]:
    """`DossierRollupMonth` as kept, and as the day table's rows summed per month."""
    measures = ", ".join(rollups.MEASURES)
    sums = ", ".join(f"SUM({m})" for m in rollups.MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT unit_id, channel, day, {measures} FROM applications_dossierrollupmonth"
        )
        kept = {row for row in cursor.fetchall() if any(row[3:])}
        cursor.execute(
            f"SELECT unit_id, channel, date_trunc('month', day)::date, {sums} "
            "FROM applications_dossierrollupunit GROUP BY 1, 2, 3"
        )
        summed = {row for row in cursor.fetchall() if any(row[3:])}
    return kept, summed


def test_the_rollup_kept_by_the_triggers_equals_a_rebuild_after_service_writes():
    waiting = DossierFactory(awaiting_supplement=True)
    clerk = staff(waiting.handling_unit, Role.CLERK)
    services.dossier_supplement(dossier=waiting, actor=clerk, note="Đã nộp bản sao")
    finished = DossierFactory(resolved=True, channel="online")
    services.rating_submit(
        dossier=finished,
        user=finished.applicant_user,
        scores=dict.fromkeys(("overall", "time", "attitude", "guidance", "transparency"), 4),
    )
    unhappy = DossierFactory(resolved=True, channel="online")
    services.rating_submit(
        dossier=unhappy,
        user=unhappy.applicant_user,
        scores=dict.fromkeys(("overall", "time", "attitude", "guidance", "transparency"), 2),
    )
    assert unhappy.complaints.exists(), "a poor rating opens a complaint"
    for trait in ("returned", "withdrawn", "refused", "overdue", "awaiting_payment", "stopped"):
        DossierFactory(**{trait: True})
    # A bulk write past the services: the handling unit changes, its figures move with it.
    moved = DossierFactory(in_review=True)
    Dossier.objects.filter(pk=moved.pk).update(handling_unit=waiting.handling_unit)
    kept, kept_cohort = _table(), _cohort()
    months, summed = _months()
    assert months, "the triggers wrote the rollup's months"
    assert months == summed
    assert kept, "the triggers wrote the rollup"
    assert kept_cohort, "the triggers wrote the stats cohort's rollup"
    rollups.rebuild()
    cohort_rollup.rebuild()
    assert _table() == kept
    assert _cohort() == kept_cohort
    assert _months() == (months, months)
