"""The appointment given at reception is stored on the dossier and shown as given, in the same
words, on the receipt, the desk's page, the citizen's page, the public look-up and the API; clock
stops move the due moment only, and are shown as what they are (issue 11, item 5)."""

from datetime import datetime
from importlib import import_module

from django.apps import apps

from applications import services
from applications.models import Dossier, DossierEvent
from applications.services import Applicant
from procedures.models import Unit
from tests.applications.test_forms_fields import hm_dmy
from tests.applications.test_forms_pdf import at, text_of, user


def _online_dossier_with_a_stop(procedure) -> Dossier:
    with at(2026, 3, 10, 9, 0):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code="19774"),
            applicant=Applicant(name="Nguyễn Thị Lan", phone="0905123456"),
            channel="online",
            actor=user("citizen"),
            checked_documents=[d.pk for d in procedure.current_version.documents.all()],
        )
    with at(2026, 3, 10, 10, 0):
        services.dossier_receive(dossier=dossier, actor=user("clerk.kimlong"))
        dossier = services.dossier_start_review(
            dossier=Dossier.objects.get(pk=dossier.pk), actor=user("specialist.kimlong")
        )
    with at(2026, 3, 11, 9, 0):
        services.dossier_request_supplement(
            dossier=dossier, actor=user("specialist.kimlong"), reason="Thiếu giấy tờ"
        )
    with at(2026, 3, 13, 9, 0):
        services.dossier_supplement(dossier=dossier, actor=user("citizen"), note="Đã bổ sung")
    return Dossier.objects.get(pk=dossier.pk)


def test_every_page_and_the_api_show_the_appointment_as_the_receipt_gives_it(
    client, procedure, api
):
    dossier = _online_dossier_with_a_stop(procedure)
    given, due = dossier.appointment_at, dossier.due_at
    assert given is not None
    assert due > given
    receive = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert datetime.fromisoformat(receive.extra["due_at"]) == given  # as recorded at reception
    pages = {}
    client.force_login(user("citizen"))
    pages["citizen"] = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    client.force_login(user("clerk.kimlong"))
    pages["desk"] = client.get(f"/desk/ho-so/{dossier.code}/").content.decode()
    receipt = text_of(client.get(f"/desk/dossiers/{dossier.code}/forms/receipt.pdf").content)
    client.logout()
    pages["lookup"] = client.get("/tra-cuu/", {"code": dossier.code, "phone": "3456"}).content
    pages["lookup"] = pages["lookup"].decode()
    for name, html in pages.items():
        assert hm_dmy(given) in html, name  # the appointment, in the receipt's words
        assert hm_dmy(due) in html, name  # and the due moment the stop moved, named apart
    assert hm_dmy(given) in " ".join(receipt.split())
    body = api("clerk.kimlong").get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert body["appointment_at"] is not None
    assert body["appointment_at"] != body["due_at"]
    assert body["sets"] == 1


def test_the_migration_backfills_the_appointment_from_the_receipts_history(procedure):
    dossier = _online_dossier_with_a_stop(procedure)
    given = dossier.appointment_at
    Dossier.objects.filter(pk=dossier.pk).update(appointment_at=None, sets=None)
    migration = import_module("applications.migrations.0012_appointment_and_sets_at_reception")
    migration.backfill(apps, None)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.appointment_at == given  # not the due moment the stop moved
    assert dossier.sets == 1


def test_the_desk_ticks_the_documents_to_supply_and_form_02_lists_them(client, procedure):
    documents = list(procedure.current_version.documents.order_by("position")[:2])
    with at(2026, 3, 10, 9, 0):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code="19774"),
            applicant=Applicant(name="Lê Văn Tư", phone="0905777888"),
            channel="desk",
            actor=user("clerk.kimlong"),
            checked_documents=[d.pk for d in procedure.current_version.documents.all()],
        )
        dossier = services.dossier_start_review(dossier=dossier, actor=user("specialist.kimlong"))
    client.force_login(user("specialist.kimlong"))
    page = client.get(f"/desk/ho-so/{dossier.code}/").content.decode()
    for document in documents:
        assert f'name="documents" value="{document.pk}"' in page
    response = client.post(
        f"/desk/ho-so/{dossier.code}/request_supplement/",
        {
            "expected_version": dossier.version,
            "reason": "Bổ sung bản chính",
            "documents": [d.pk for d in documents],
        },
    )
    assert response.status_code == 302
    event = DossierEvent.objects.get(dossier=dossier, action="request_supplement")
    assert [d["id"] for d in event.extra["documents"]] == [d.pk for d in documents]
    assert event.extra["answer_by"]
    # Another ward's clerk cannot ask for anything on it.
    client.force_login(user("clerk.thuanhoa"))
    other = client.post(
        f"/desk/ho-so/{dossier.code}/request_supplement/",
        {"reason": "x", "documents": [documents[0].pk]},
    )
    assert other.status_code == 404


def test_form_02_documents_that_are_not_ids_of_the_procedure_are_a_clear_400(procedure, api):
    with at(2026, 3, 10, 9, 0):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code="19774"),
            applicant=Applicant(name="Lê Văn Tư", phone="0905777888"),
            channel="desk",
            actor=user("clerk.kimlong"),
            checked_documents=[d.pk for d in procedure.current_version.documents.all()],
        )
        services.dossier_start_review(dossier=dossier, actor=user("specialist.kimlong"))
    client = api("specialist.kimlong")
    url = f"/api/v1/dossiers/{dossier.code}/request_supplement/"
    for documents in (["x"], [2**40], [999999], "1"):
        response = client.post(url, {"reason": "Thiếu", "documents": documents}, format="json")
        assert response.status_code == 400, (documents, response.content)
        assert response.json()["code"] in ("invalid", "invalid_dossier"), response.json()
    assert Dossier.objects.get(pk=dossier.pk).state == "in_review"


def _asked_to_supplement(procedure, reason: str, documents=None) -> Dossier:
    """The demo citizen's online dossier, received, then asked to supplement (form 02)."""
    with at(2026, 3, 10, 9, 0):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code="19774"),
            applicant=Applicant(name="Nguyễn Thị Lan", phone="0905123456"),
            channel="online",
            actor=user("citizen"),
            checked_documents=[d.pk for d in procedure.current_version.documents.all()],
        )
    with at(2026, 3, 10, 10, 0):
        services.dossier_receive(dossier=dossier, actor=user("clerk.kimlong"))
        services.dossier_request_supplement(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=user("clerk.kimlong"),
            reason=reason,
            documents=documents,
        )
    return dossier


def test_the_citizen_sees_the_answer_deadline_the_system_keeps(client, procedure):
    dossier = _asked_to_supplement(procedure, "Thiếu chữ ký")
    deadline = dossier.clock_stops.get().deadline
    assert deadline is not None
    client.force_login(user("citizen"))
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert hm_dmy(deadline).split(", ")[1] in page
    client.force_login(user("citizen2"))
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/").status_code == 404


def test_the_citizen_sees_the_documents_form_02_asks_for(client, procedure):
    asked = list(procedure.current_version.documents.order_by("position")[:2])
    dossier = _asked_to_supplement(procedure, "Bản sao chưa chứng thực", [d.pk for d in asked])
    client.force_login(user("citizen"))
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    listed = page.split('class="asked-for"')[1].split("</ul>")[0]
    for document in asked:
        assert document.name_vi in listed
        assert document.get_kind_display() in listed
    client.force_login(user("citizen2"))
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/").status_code == 404
