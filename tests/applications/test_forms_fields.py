"""Each printed form against LEGAL.md's table (Circular 03/2025, Phụ lục I), field by field: the
real PDF is rendered through the desk's URL and read back with pypdf."""

import re
from datetime import datetime, timedelta

from django.utils import translation
from freezegun import freeze_time

from applications import services
from applications.models import Dossier
from applications.services import Applicant
from procedures.models import Unit
from tests.applications.test_forms_pdf import VN, at, desk_dossier, reviewed, text_of, user

FULL = Applicant(
    name="Nguyễn Văn Ánh",
    id_number="046090001234",
    phone="0905111222",
    email="anh@example.vn",
    address="12 Kim Long, Huế",
)


def flat(pdf: bytes) -> str:
    """The PDF's text with every run of whitespace one space (table cells wrap)."""
    # A word broken at its hyphen across two lines ("one-\nstop") is one word again.
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(text_of(pdf).split()))


def pdf_of(client, code, form, username="clerk.kimlong", language="vi"):
    client.force_login(user(username))
    client.cookies["motcua_language"] = language
    response = client.get(f"/desk/dossiers/{code}/forms/{form}.pdf")
    assert response.status_code == 200, response.content[:300]
    return flat(response.content)


def hm_dmy(moment) -> str:
    return moment.astimezone(VN).strftime("%H:%M, %d/%m/%Y")


def test_form_01_carries_every_field_of_the_receipt(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure, applicant=FULL)
    version = dossier.procedure_version
    text = pdf_of(client, dossier.code, "receipt", language="en")
    assert "Mẫu số 01" in text
    assert "03/2025/TT-VPCP" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG KIM LONG" in text  # receiving unit
    assert dossier.code in text
    for value in (FULL.name, FULL.id_number, FULL.phone, FULL.email, FULL.address):
        assert value in text  # applicant, ID number, contacts
    assert procedure.code in text
    for document in version.documents.filter(required=True):
        assert " ".join(document.name.split())[:20] in text
        assert document.get_kind_display() in text  # original / certified copy / copy
    assert "Number of sets 1 set" in text
    assert "Legal processing time" in text
    assert "working days" in text
    assert f"Received at {hm_dmy(dossier.received_at)}" in text
    assert f"Appointment to return the result {hm_dmy(dossier.appointment_at)}" in text
    assert "at the one-stop desk of" in text  # where and how the result is returned
    assert f"/tra-cuu/?code={dossier.code}" in text  # look-up link (and the QR image)
    assert "Entered in the tracking log, no. 1" in text
    assert "APPLICANT" in text
    assert "RECEIVING OFFICER" in text
    assert user("clerk.kimlong").display_name in text


def test_form_01_reprinted_after_a_stop_keeps_the_appointment_and_names_the_stop(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure, applicant=FULL))
    given = dossier.appointment_at
    assert given == dossier.due_at
    with at(2026, 3, 11, 9, 0):
        services.dossier_request_supplement(
            dossier=dossier, actor=user("specialist.kimlong"), reason="Thiếu bản sao"
        )
    with at(2026, 3, 16, 9, 0):
        services.dossier_supplement(dossier=dossier, actor=user("clerk.kimlong"), note="Đã nộp")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.appointment_at == given  # stored at reception, never recomputed
    assert dossier.due_at > given  # the stop moved the due moment only
    text = pdf_of(client, dossier.code, "receipt", language="en")
    assert f"Appointment to return the result {hm_dmy(given)}" in text
    assert "Later: the clock stood still Supplement request: 09:00, 11/03/2026" in text
    assert f"due moment after it: {hm_dmy(dossier.due_at)}" in text
    # The pages say the same words for the same moments.
    client.force_login(user("clerk.kimlong"))
    page = client.get(f"/desk/ho-so/{dossier.code}/").content.decode()
    assert hm_dmy(given) in page
    assert hm_dmy(dossier.due_at) in page


def test_form_02_lists_documents_with_counts_the_deadline_and_the_officers_phone(client, procedure):
    specialist = user("specialist.kimlong")
    specialist.phone = "0234381234"
    specialist.save(update_fields=["phone"])
    document = procedure.current_version.documents.order_by("position").first()
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure, applicant=FULL))
    with at(2026, 3, 11, 10, 0):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=specialist,
            reason="Bản sao chưa được chứng thực",
            documents=[document.pk],
        )
    stop = dossier.clock_stops.get()
    assert stop.deadline is not None  # the deadline the system keeps
    text = pdf_of(client, dossier.code, "supplement", language="en")
    assert "Mẫu số 02" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert dossier.code in text
    assert FULL.name in text
    assert " ".join(document.name_vi.split())[:20] in text  # what to supply
    assert f"{document.get_kind_display()} {document.count}" in text  # with its count
    assert "Bản sao chưa được chứng thực" in text  # and why
    assert f"Please hand in the documents by {hm_dmy(stop.deadline)}" in text
    assert f"Officer in charge: {specialist.display_name} \u2013 phone 0234381234" in text


def test_form_02_refuses_a_document_outside_the_procedure(procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure))
    import pytest

    from applications.errors import InvalidDossier

    with pytest.raises(InvalidDossier):
        services.dossier_request_supplement(
            dossier=dossier, actor=user("specialist.kimlong"), reason="x", documents=[999999]
        )


def test_form_03_online_has_the_request_reason_code_and_submission_time(client, procedure):
    with at(2026, 3, 10, 20, 15):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code="19774"),
            applicant=Applicant(name="Trần Thị Bích", phone="0905999888"),
            channel="online",
            actor=user("citizen"),
            checked_documents=[d.pk for d in procedure.current_version.documents.all()],
        )
    with at(2026, 3, 11, 8, 0):
        services.dossier_refuse(
            dossier=dossier, actor=user("clerk.kimlong"), reason="Không thuộc thẩm quyền"
        )
    text = pdf_of(client, dossier.code, "refusal", language="en")
    assert "Mẫu số 03" in text
    assert procedure.code in text  # the request
    assert "Không thuộc thẩm quyền" in text  # the specific reason
    assert dossier.code in text
    assert "Submitted at: 20:15, 10/03/2026" in text


def test_form_04_has_receipt_code_original_and_new_dates_and_the_reason(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure, applicant=FULL))
    new_due = dossier.due_at + timedelta(days=7)
    with at(2026, 3, 11, 9, 0):
        services.dossier_apologize(
            dossier=dossier,
            actor=user("leader.kimlong"),
            reason="Cần xác minh thêm",
            new_due_at=new_due,
        )
    text = pdf_of(client, dossier.code, "apology", language="en")
    assert "Mẫu số 04" in text
    assert dossier.code in text
    assert "10/03/2026" in text  # receipt date
    assert hm_dmy(dossier.appointment_at) in text  # original appointment
    assert "Cần xác minh thêm" in text
    assert hm_dmy(new_due).split(", ")[1] in text


def test_form_05_notice_of_stopping_has_the_reason_and_date(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure))
    with at(2026, 3, 12, 9, 0):
        services.dossier_stop(
            dossier=dossier, actor=user("leader.kimlong"), reason="Người nộp đề nghị dừng"
        )
    text = pdf_of(client, dossier.code, "stop", language="en")
    assert "Mẫu số 05" in text
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Người nộp đề nghị dừng" in text
    assert "12/03/2026" in text


def test_form_06_a_specialist_who_takes_the_dossier_receives_it_from_the_desk(procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure, applicant=FULL)
    with at(2026, 3, 10, 10, 0):
        reviewed(dossier)  # the specialist takes it themself
    from applications.documents import control_sheet_rows

    with translation.override("en"):
        row = control_sheet_rows(Dossier.objects.get(pk=dossier.pk))[2]
    assert row["action"] == "Handed to the specialist"
    assert row["giver"] == user("clerk.kimlong").display_name
    assert row["receiver"] == user("specialist.kimlong").display_name


def test_form_06_has_the_giver_and_receiver_of_each_hand_over(client, procedure):
    clerk, specialist, leader = (
        user(n) for n in ("clerk.kimlong", "specialist.kimlong", "leader.kimlong")
    )
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure, applicant=FULL)
    with at(2026, 3, 10, 10, 0):
        dossier = services.dossier_start_review(dossier=dossier, actor=clerk, assignee=specialist)
    with at(2026, 3, 11, 10, 0):
        dossier = services.dossier_propose(dossier=dossier, actor=specialist)
    with at(2026, 3, 11, 14, 0):
        dossier = services.dossier_approve(dossier=dossier, actor=leader, result_number="5/QĐ")
    from applications.documents import control_sheet_rows

    with translation.override("en"):
        rows = control_sheet_rows(Dossier.objects.get(pk=dossier.pk))
    pairs = [(r["action"], r["giver"], r["receiver"]) for r in rows]
    assert pairs == [
        ("Submitted", FULL.name, clerk.display_name),
        ("Received at the desk", FULL.name, clerk.display_name),
        ("Handed to the specialist", clerk.display_name, specialist.display_name),
        ("Result proposed for signature", specialist.display_name, leader.display_name),
        ("Result signed and issued", leader.display_name, "The one-stop desk of Phường Kim Long"),
    ]
    assert [r["result"] for r in rows][2:] == ["early", "early", "early"]
    text = pdf_of(client, dossier.code, "control-sheet", language="en")
    assert "Mẫu số 06" in text
    assert "Handed over by" in text
    assert "Handed to" in text
    assert "10:00 10/03/2026" in text  # date and time of the hand-over
    for _action, giver, receiver in pairs:
        assert giver in text
        assert receiver in text


def test_form_07_has_every_column_and_the_regime_of_each_row(client, procedure):
    with at(2025, 6, 30, 9, 0):
        old = desk_dossier(procedure, applicant=Applicant(name="Lê Văn Cũ", phone="0911000111"))
    with at(2025, 7, 1, 9, 0):
        new = desk_dossier(procedure, applicant=FULL)
    client.force_login(user("clerk.kimlong"))
    client.cookies["motcua_language"] = "en"
    response = client.get(
        "/desk/units/19774/tracking-log.pdf", {"from": "2025-06-30", "to": "2025-07-01"}
    )
    assert response.status_code == 200
    text = flat(response.content)
    assert "Mẫu số 07" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    for header in (
        "No.", "Dossier code", "Procedure", "Sets", "Applicant", "Address", "Phone",
        "Received on", "Appointment date", "Returned on", "Applicant's signature",
        "Receiving officer", "Note",
    ):  # fmt: skip
        assert header in text
    for dossier in (old, new):
        assert dossier.code in text
        assert dossier.received_at.astimezone(VN).strftime("%d/%m/%Y") in text
        assert dossier.appointment_at.astimezone(VN).strftime("%d/%m/%Y") in text
    assert "Lê Văn Cũ" in text
    assert FULL.name in text
    assert "12 Kim Long, Huế" in text
    assert user("clerk.kimlong").display_name in text  # the receiving officer
    # The regime of each row: the 30 June dossier lived under the 2018 circular.
    assert "01/2018/TT-VPCP" in text
    assert text.count("03/2025/TT") >= 2  # the log's own header and the July row


BACKLOG = (
    "legacy_code,procedure_code,applicant_name,applicant_phone,channel,received_at,due_at,"
    "state,resolved_at\n"
    "PX-2025-0099,{code},Đoàn Thị Cũ,0905000999,desk,2025-06-20T09:00:00+07:00,"
    "2025-07-04T09:00:00+07:00,in_review,\n"
)


def test_an_imported_backlog_dossier_prints_its_receipt_control_sheet_and_log_row(
    client, procedure, tmp_path
):
    from applications.services.backlog import import_backlog, read_backlog

    path = tmp_path / "backlog.csv"
    path.write_text(BACKLOG.format(code=procedure.code), encoding="utf-8")
    with freeze_time(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        import_backlog(
            rows=read_backlog(path),
            unit=Unit.objects.get(code="19774"),
            legacy=Unit.objects.get(code="475"),
        )
    dossier = Dossier.objects.get(legacy_code="PX-2025-0099")
    receipt = pdf_of(client, dossier.code, "receipt", language="en")
    assert "Mẫu số 01" in receipt
    assert "01/2018/TT-VPCP" in receipt
    assert dossier.code in receipt
    assert "Đoàn Thị Cũ" in receipt
    assert "PX-2025-0099" in receipt
    assert dossier.legacy_unit.name_vi in receipt
    assert "Received at 09:00, 20/06/2025" in receipt
    assert "Appointment to return the result 09:00, 04/07/2025" in receipt
    assert "Number of sets not recorded" in receipt
    assert "Not recorded in the former unit's system." in receipt
    sheet = pdf_of(client, dossier.code, "control-sheet", language="en")
    assert "Mẫu số 05" in sheet
    assert "Taken over from the former unit" in sheet
    assert dossier.legacy_unit.name_vi in sheet
    client.cookies["motcua_language"] = "en"
    log = flat(
        client.get(
            "/desk/units/19774/tracking-log.pdf", {"from": "2025-06-01", "to": "2025-06-30"}
        ).content
    )
    assert "Mẫu số 06" in log  # a 2018 period prints the 2018 log
    assert dossier.code in log
    assert "PX-2025-0099" in log


def test_the_receipt_in_vietnamese_prints_the_labels_with_their_diacritics(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure, applicant=FULL)
    text = pdf_of(client, dossier.code, "receipt", language="vi")
    for label in (
        "Người nộp",
        "Thời hạn giải quyết theo quy định",
        "Thời điểm tiếp nhận",
        "Thời gian hẹn trả kết quả",
        "Số bộ hồ sơ",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN",
        FULL.name,
    ):
        assert label in text, label
