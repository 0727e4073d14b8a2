"""The migrations that scope submission keys give existing keys their sender (issue 8)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("applications", "0006_open_queue_index"), ("feedback", "0001_initial")]
AFTER = [
    ("applications", "0007_owner_scoped_submission_keys"),
    ("feedback", "0002_owner_scoped_submission_keys"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_keys_belong_to_their_applicant_the_desk_clerk_or_nobody(demo_transactional):
    apps = _migrate(BEFORE)
    User = apps.get_model("portal", "User")
    Procedure = apps.get_model("procedures", "Procedure")
    Unit = apps.get_model("procedures", "Unit")
    Dossier = apps.get_model("applications", "Dossier")
    DossierEvent = apps.get_model("applications", "DossierEvent")
    Report = apps.get_model("feedback", "Report")
    citizen = User.objects.get(username="citizen")
    clerk = User.objects.get(username="clerk.kimlong")
    procedure = Procedure.objects.exclude(current_version=None).first()
    unit = Unit.objects.get(code="19774")
    now = timezone.now()

    def dossier(code, key, applicant=None):
        return Dossier.objects.create(
            code=code,
            procedure=procedure,
            procedure_version_id=procedure.current_version_id,
            receiving_unit=unit,
            handling_unit=unit,
            applicant_user=applicant,
            applicant_name="Nguyễn Văn An",
            channel="online",
            state="submitted",
            submission_key=key,
        )

    online = dossier("19774-260310-0001", "k-online", applicant=citizen)
    desk = dossier("19774-260310-0002", "k-desk")
    DossierEvent.objects.create(
        dossier=desk, action="submit", to_state="submitted", actor=clerk, actor_label="x", at=now
    )
    generated = dossier("19774-260310-0003", "demo-1")

    def report(code, key, reporter=None):
        return Report.objects.create(
            code=code,
            category="rubbish",
            description="Rác",
            unit=unit,
            address="Kiệt 1",
            reporter_user=reporter,
            channel="web",
            state="new",
            pickup_due_at=now,
            rating_key="ABCDEFGHJK",
            submission_key=key,
            created_at=now,
        )

    signed_in = report("PA-19774-260310-0001", "r-1", reporter=citizen)
    anonymous = report("PA-19774-260310-0002", "demo-feedback-00")
    unkeyed = report("PA-19774-260310-0003", "")

    apps = _migrate(AFTER)
    Dossier = apps.get_model("applications", "Dossier")
    Report = apps.get_model("feedback", "Report")
    senders = dict(Dossier.objects.values_list("pk", "submitted_by"))
    assert senders == {online.pk: citizen.pk, desk.pk: clerk.pk, generated.pk: None}
    reports = dict(Report.objects.values_list("pk", "submission_sender"))
    assert reports == {
        signed_in.pk: f"user:{citizen.pk}",
        anonymous.pk: "anonymous",
        unkeyed.pk: "",
    }


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
