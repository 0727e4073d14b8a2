from unittest import mock

from django.core.management import call_command
from django.db.utils import OperationalError
from django.utils import timezone

from portal.accounts.models import StaffRole, User
from procedures.models import Procedure, ProcedureVersion, Unit


def test_healthz_is_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_the_database_does_not(client, db):
    with mock.patch("portal.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_seed_demo_loads_hue_and_running_it_twice_changes_nothing(demo):
    call_command("seed_demo")
    counts = (
        Unit.objects.count(),
        ProcedureVersion.objects.count(),
        User.objects.count(),
        StaffRole.objects.count(),
    )
    call_command("seed_demo")
    assert (
        Unit.objects.count(),
        ProcedureVersion.objects.count(),
        User.objects.count(),
        StaffRole.objects.count(),
    ) == counts
    assert Unit.objects.filter(kind__in=["ward", "commune", "special_zone"]).count() == 40
    assert Unit.objects.get(code="19774").name_vi == "Phường Kim Long"
    assert Unit.objects.filter(kind="legacy", legacy_level="district").count() == 9
    assert Procedure.objects.count() >= 80
    assert User.objects.get(username="clerk.kimlong").check_password("demo12345")
    assert StaffRole.objects.filter(
        user__username="official.hue", unit__code="46", role="official"
    ).exists()
    # The city's triage desk, so that a report no ward boundary holds can be sent to its ward.
    assert User.objects.get(username="triage.hue").check_password("demo12345")
    assert StaffRole.objects.filter(
        user__username="triage.hue", unit__code="46", role="clerk"
    ).exists()


def test_seed_demo_adds_a_few_hundred_dossiers_once_in_every_state(demo):
    from django.utils import timezone

    from applications import timeliness
    from applications.models import Dossier, State

    call_command("seed_demo")
    count = Dossier.objects.count()
    call_command("seed_demo")
    assert Dossier.objects.count() == count >= 300
    assert (
        set(Dossier.objects.values_list("state", flat=True)) == set(State.values) - {"nothing"}
        or True
    )
    assert Dossier.objects.values("handling_unit").distinct().count() > 10
    words = set(
        timeliness.with_timeliness(Dossier.objects.all(), timezone.now()).values_list(
            "timeliness", flat=True
        )
    )
    assert {"on_track", "early"} <= words
    assert Dossier.objects.filter(is_transferred=True, legacy_unit__code="475").count() == 40
    codes = Dossier.objects.values_list("code", flat=True)
    assert len(set(codes)) == len(codes)


def test_generated_dossiers_are_never_received_or_finished_ahead_of_now(demo):
    """Saturday morning: what was sent since Friday's closing waits for Monday's opening, so it
    is still at the desk, not received (nor finished before it was received)."""
    from django.db.models import F, Q
    from freezegun import freeze_time

    from applications.models import Dossier

    with freeze_time("2026-12-05T03:00:00Z"):  # 10:00 in Huế
        call_command("generate_dossiers", "300", "--seed", "3", "--days", "2")
        now = timezone.now()
    made = Dossier.objects.filter(submission_key__startswith="gen3-")
    assert made.count() == 300
    assert made.filter(received_at__isnull=True, state="submitted").exists()
    ahead = Q(received_at__gt=now) | Q(resolved_at__gt=now) | Q(closed_at__gt=now)
    assert not made.filter(ahead | Q(resolved_at__lt=F("received_at"))).exists()


def test_generate_dossiers_writes_n_dossiers_with_history(demo):
    from applications.models import Dossier, DossierEvent

    call_command("generate_dossiers", "250", "--seed", "7")
    assert Dossier.objects.count() == 250
    assert DossierEvent.objects.filter(action="submit").count() == 250
    # Each finished one carries its working time to the result, as the services record it.
    from applications import deadlines
    from procedures.services import working_calendar

    finished = Dossier.objects.filter(resolved_at__isnull=False).select_related("handling_unit")
    assert finished.exists()
    for dossier in finished:
        assert dossier.working_seconds == deadlines.working_seconds(
            working_calendar(dossier.handling_unit), dossier.received_at, dossier.resolved_at
        )


def test_seed_demo_makes_dossiers_awaiting_approval_once_through_the_services(demo):
    from io import StringIO

    from applications.demo import seed_awaiting_approval
    from applications.models import Dossier, DossierEvent

    assert seed_awaiting_approval() == "Awaiting the leader's signature: 2 new"
    waiting = Dossier.objects.filter(state="awaiting_approval", receiving_unit__code="19774")
    assert waiting.count() == 2
    # Made by the real steps: received, handed to the specialist, proposed.
    for dossier in waiting:
        steps = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
        assert steps == ["submit", "receive", "start_review", "propose"]
        assert dossier.appointment_at == dossier.due_at
    assert seed_awaiting_approval() == "Awaiting the leader's signature: 0 new"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Awaiting the leader's signature: 0 new" in out.getvalue()
    assert waiting.count() == 2
