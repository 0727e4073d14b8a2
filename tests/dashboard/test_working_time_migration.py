"""Migration 0022 on a database that already holds finished dossiers (issue 12): back to the
schema before it, forward again; every finished dossier gets its working time to the result in
its unit's calendar, and the rollup's sum and count follow (they make the dashboard's average).

Runs the real migrations on PostgreSQL with Django's `MigrationExecutor`."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications import deadlines
from applications.models import Dossier
from applications.models.rollups import DossierRollupTotal
from procedures.models import Procedure, Unit
from procedures.services import working_calendar
from tests.dashboard.conftest import KIM_LONG, make_dossier, vn

pytestmark = [pytest.mark.postgres]

BEFORE = [("applications", "0021_overdue_list_indexes")]
AFTER = [("applications", "0022_dossier_working_seconds")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_records_the_working_time_of_dossiers_already_finished(
    demo_transactional,
):
    unit = Unit.objects.get(code=KIM_LONG)
    procedure = Procedure.objects.filter(current_version__isnull=False).order_by("code").first()
    for n in range(30):
        received = vn(2026, 3, 2 + n % 20, 7 + n % 9)
        make_dossier(unit=unit, procedure=procedure, state=("resolved", "returned")[n % 2],
                     received_at=received, resolved_at=vn(2026, 3, 23, 8 + n % 9, 7 * n % 60),
                     closed_at=vn(2026, 3, 25) if n % 2 else None)  # fmt: skip
    finished = Dossier.objects.filter(resolved_at__isnull=False).select_related("handling_unit")
    expected = {
        d.pk: deadlines.working_seconds(
            working_calendar(d.handling_unit), d.received_at, d.resolved_at
        )
        for d in finished
    }
    assert sum(seconds is not None for seconds in expected.values()) >= 30
    try:
        _migrate(BEFORE)
        columns = [c.name for c in connection.introspection.get_table_description(
            connection.cursor(), "applications_dossier")]  # fmt: skip
        assert "working_seconds" not in columns
        _migrate(AFTER)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert dict(finished.values_list("pk", "working_seconds")) == expected
    known = [seconds for seconds in expected.values() if seconds is not None]
    totals = DossierRollupTotal.objects.all()
    assert sum(t.timed for t in totals) == len(known)
    assert sum(t.working_seconds for t in totals) == sum(known)
