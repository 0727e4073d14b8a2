"""A submission's writes (issue 10): the dossier is inserted once, with its code and its history,
in one statement; its files before it, counted once by the rollup (ADR 0015)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import services
from applications.models import Dossier
from applications.selectors import cohort_rollup, rollups
from portal.accounts.models import Role, User
from procedures.models import Unit
from tests.applications.conftest import desk_payload, online_payload, pdf, required_docs
from tests.factories import DossierFactory
from tests.factories.catalogue import staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROLLUP_COLUMNS = (
    "unit_id, field_id, channel, day, received, received_online_full, refused, open, "
    "waiting_desk, received_fee, received_digitised"
)


def _rollup() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ROLLUP_COLUMNS} FROM applications_dossierrollup")
        return {row for row in cursor.fetchall() if any(row[4:])}


def _cohort() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM applications_dossiercohort")
        return {row[1:] for row in cursor.fetchall() if any(row[5:])}


def test_a_submission_writes_its_dossier_once_with_its_code_and_history(api, procedure):
    with CaptureQueriesContext(connection) as queries:
        response = api("citizen").post(
            "/api/v1/dossiers/",
            {**online_payload(procedure), "submission_key": "k-1"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get()
    assert re.fullmatch(r"19774-\d{6}-0001", dossier.code)
    assert response.json()["code"] == dossier.code
    assert [e.action for e in dossier.events.all()] == ["submit"]
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if s.startswith('UPDATE "applications_dossier"')]
    writes = [s for s in statements if 'INTO "applications_dossier" ' in s]
    assert len(writes) == 1
    assert 'INTO "applications_dossierevent"' in writes[0]
    assert not [s for s in statements if s.startswith('INSERT INTO "applications_dossierevent"')]
    # The same key again: the same dossier, no second one and no second number.
    again = api("citizen").post(
        "/api/v1/dossiers/",
        {**online_payload(procedure), "submission_key": "k-1"},
        format="multipart",
    )
    assert again.json()["code"] == dossier.code
    assert Dossier.objects.count() == 1


def test_the_rollup_counts_a_submissions_files_once(api, procedure, settings, tmp_path):
    """Files written before their dossier are in its INSERT's count; the attachments' trigger
    does not count them again. Equal to a rebuild from the dossiers, digitised included."""
    settings.MEDIA_ROOT = tmp_path
    online = api("citizen").post("/api/v1/dossiers/", online_payload(procedure), format="multipart")
    assert online.status_code == 201, online.content
    files = {f"document_{d}": pdf(f"scan-{d}.pdf") for d in required_docs(procedure)}
    desk = api("clerk.kimlong").post(
        "/api/v1/dossiers/", {**desk_payload(procedure), **files}, format="multipart"
    )
    assert desk.status_code == 201, desk.content
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_create(
        procedure=procedure,
        unit=Unit.objects.get(code="19774"),
        applicant=services.Applicant(name="Trần Văn Bình"),
        channel="desk",
        actor=clerk,
        files={d: pdf() for d in required_docs(procedure)},
        refuse_reason="Không thuộc thẩm quyền",
    )
    assert Dossier.objects.count() == 3
    kept, kept_cohort = _rollup(), _cohort()
    assert sum(row[-1] for row in kept) == 1, "the desk's dossier was received with its files"
    # The online one received later at the desk: its files count from then.
    services.dossier_receive(dossier=Dossier.objects.get(code=online.json()["code"]), actor=clerk)
    kept, kept_cohort = _rollup(), _cohort()
    assert sum(row[-1] for row in kept) == 2
    # Files added to a dossier already there (a supplement) are counted by the file trigger.
    waiting = DossierFactory(awaiting_supplement=True)
    document = waiting.procedure_version.documents.first()
    services.dossier_supplement(
        dossier=waiting,
        actor=staff(waiting.handling_unit, Role.CLERK),
        files={document.pk: pdf("supplement.pdf")},
    )
    kept, kept_cohort = _rollup(), _cohort()
    rollups.rebuild()
    cohort_rollup.rebuild()
    assert _rollup() == kept
    assert _cohort() == kept_cohort
