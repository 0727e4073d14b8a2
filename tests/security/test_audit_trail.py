"""The audit trail is append-only in the database itself: history rows (dossiers, reports, the
payment callback log) are never changed or removed, dossiers and reports are never deleted, by
the ORM, by raw SQL or from the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from rest_framework.test import APIClient

from applications.models import Dossier, DossierEvent, PaymentCallback
from feedback.models import Report, ReportEvent
from portal.accounts.models import User
from procedures.models import Procedure
from tests.feedback.conftest import new_report
from tests.security import hostile

REFUSED = "Cannot (update or )?delete rows"


@pytest.fixture
def dossier(demo):
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    data = {
        "procedure": procedure.code,
        "unit": "19774",
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_phone": "0905123456",
        "channel": "online",
    }
    for doc in procedure.current_version.documents.filter(required=True):
        data[f"document_{doc.pk}"] = SimpleUploadedFile(f"d{doc.pk}.pdf", hostile.clean_pdf())
    client = APIClient()
    client.force_authenticate(User.objects.get(username="citizen"))
    response = client.post("/api/v1/dossiers/", data, format="multipart")
    assert response.status_code == 201, response.content
    return Dossier.objects.get(code=response.json()["code"])


@pytest.fixture
def callback(demo):
    return PaymentCallback.objects.create(
        kind="ipn", signature_valid=False, outcome="bad_signature", payload={"vnp_Amount": "1"}
    )


def refused(sql_or_call, *params):
    """Run inside a savepoint and return the database's refusal (the test goes on after)."""

    def run():
        if callable(sql_or_call):
            sql_or_call()
            return
        with connection.cursor() as cursor:
            cursor.execute(sql_or_call, params)

    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        run()


@pytest.mark.postgres
def test_history_rows_cannot_be_updated_or_deleted_through_the_orm(dossier, callback):
    report = new_report()
    for rows, change in (
        (DossierEvent.objects.filter(dossier=dossier), {"note": "rewritten"}),
        (ReportEvent.objects.filter(report=report), {"note": "rewritten"}),
        (PaymentCallback.objects.filter(pk=callback.pk), {"outcome": "paid"}),
    ):
        count = rows.count()
        assert count >= 1, rows.model
        refused(lambda rows=rows, change=change: rows.update(**change))
        refused(lambda rows=rows: rows.delete())
        assert rows.count() == count
    assert DossierEvent.objects.filter(dossier=dossier, action="submit").get().note == ""


@pytest.mark.postgres
def test_history_rows_cannot_be_updated_or_deleted_through_raw_sql(dossier, callback):
    event = dossier.events.get()
    report_event = new_report().events.get()
    for table, pk in (
        ("applications_dossierevent", event.pk),
        ("feedback_reportevent", report_event.pk),
        ("applications_paymentcallback", callback.pk),
    ):
        column = "outcome" if table == "applications_paymentcallback" else "note"
        refused(f"UPDATE {table} SET {column} = 'rewritten' WHERE id = %s", pk)
        refused(f"DELETE FROM {table} WHERE id = %s", pk)
    assert DossierEvent.objects.get(pk=event.pk).note == ""
    assert ReportEvent.objects.get(pk=report_event.pk).note == ""
    assert PaymentCallback.objects.get(pk=callback.pk).outcome == "bad_signature"


def test_deleting_a_dossier_or_a_report_fails_and_keeps_its_history(dossier):
    report = new_report()
    with pytest.raises(ProtectedError), transaction.atomic():
        dossier.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Report.objects.filter(pk=report.pk).delete()
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert dossier.events.count() == 1
    assert report.events.count() == 1


@pytest.mark.postgres
def test_the_database_refuses_to_delete_a_dossier_or_a_report(dossier):
    report = new_report()
    refused("DELETE FROM applications_dossier WHERE id = %s", dossier.pk)
    refused("DELETE FROM feedback_report WHERE id = %s", report.pk)
    # Even without its history in the way (the trigger guards the dossier row itself).
    refused(lambda: Dossier.objects.filter(pk=dossier.pk)._raw_delete(connection.alias))
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert Report.objects.filter(pk=report.pk).exists()


def test_history_is_still_written_and_dossiers_still_change(dossier):
    clerk = User.objects.get(username="clerk.kimlong")
    client = APIClient()
    client.force_authenticate(clerk)
    response = client.post(f"/api/v1/dossiers/{dossier.code}/receive/", {}, format="json")
    assert response.status_code == 200
    assert list(dossier.events.values_list("action", flat=True)) == ["submit", "receive"]
    assert Dossier.objects.get(pk=dossier.pk).state == "received"


def test_the_admin_shows_history_read_only(client, dossier):
    admin = User.objects.create_superuser("root.audit", "root@example.vn", "x-very-long-pass-1")
    client.force_login(admin)
    page = client.get(f"/admin/applications/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "events-0-DELETE" not in html
    assert 'name="_save"' not in html
    assert "events-__prefix__" not in html
    assert client.get(f"/admin/applications/dossier/{dossier.pk}/delete/").status_code == 403
    assert (
        client.post(
            f"/admin/applications/dossier/{dossier.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.post(
        "/admin/applications/dossier/",
        {"action": "delete_selected", "_selected_action": [dossier.pk]},
    ).status_code in (200, 302)
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert dossier.events.count() == 1

    report = new_report()
    page = client.get(f"/admin/feedback/report/{report.pk}/change/")
    assert page.status_code == 200
    assert "events-0-DELETE" not in page.content.decode()
    assert (
        client.post(f"/admin/feedback/report/{report.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert report.events.count() == 1
