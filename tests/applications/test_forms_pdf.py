"""The desk's printable forms: PDFs a clerk downloads, read back with pypdf."""

import io
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from applications import documents, services
from applications.models import Dossier
from applications.services import Applicant
from portal.accounts.models import User
from procedures.models import Unit
from tests.applications.conftest import required_docs

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AN = Applicant(
    name="Nguyễn Văn An",
    id_number="046090001234",
    phone="0905111222",
    address="12 Kim Long, Huế",
)


def user(username):
    return User.objects.get(username=username)


def at(*args):
    return freeze_time(datetime(*args, tzinfo=VN))


def desk_dossier(procedure, *, unit="19774", clerk="clerk.kimlong", applicant=AN) -> Dossier:
    return services.dossier_create(
        procedure=procedure,
        unit=Unit.objects.get(code=unit),
        applicant=applicant,
        channel="desk",
        actor=user(clerk),
        checked_documents=required_docs(procedure),
    )


def reviewed(dossier) -> Dossier:
    return services.dossier_start_review(dossier=dossier, actor=user("specialist.kimlong"))


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf may emit decomposed marks (e.g. "e" + U+0302); compare in NFC.
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def images_of(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def get_pdf(client, username, url, **params):
    client.force_login(user(username))
    client.cookies["motcua_language"] = "en"
    return client.get(url, params)


def form_url(code, form):
    return f"/desk/dossiers/{code}/forms/{form}.pdf"


def ddmmyyyy(moment):
    return moment.astimezone(VN).strftime("%d/%m/%Y")


def test_the_receipt_prints_code_applicant_appointment_and_a_lookup_qr(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure)
    response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "receipt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = text_of(response.content)
    assert "Mẫu số 01" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert dossier.code in text
    assert "Nguyễn Văn An" in text
    # The receipt is the applicant's own document: the ID number in full.
    assert "046090001234" in text
    assert ddmmyyyy(dossier.due_at) in text
    assert "10/03/2026" in text
    document = dossier.procedure_version.documents.filter(required=True).first()
    assert (document.name_en or document.name_vi)[:12] in text
    assert images_of(response.content) == 1  # the QR code


def test_the_receipt_qr_opens_the_public_lookup_with_the_code_only(procedure, settings):
    settings.SITE_URL = "https://motcua.hue.gov.vn"
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure)
    html = documents.form_html(dossier=dossier, form="receipt")
    assert 'src="data:image/png;base64,' in html
    url = documents.lookup_url(dossier.code)
    assert url == f"https://motcua.hue.gov.vn/tra-cuu/?code={dossier.code}"
    assert "0905111222" not in url
    assert "046090001234" not in url


def test_a_form_is_also_found_by_its_number_in_the_dossiers_regime(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure)
    response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "01"))
    assert response.status_code == 200
    assert "Mẫu số 01" in text_of(response.content)


def test_the_supplement_request_prints_what_to_supply_and_the_officer(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure))
    with at(2026, 3, 11, 10, 0):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=user("specialist.kimlong"),
            reason="Bổ sung bản sao giấy khai sinh có chứng thực",
        )
    response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "supplement"))
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Mẫu số 02" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bổ sung bản sao giấy khai sinh có chứng thực" in text
    assert user("specialist.kimlong").display_name in text
    assert "11/03/2026" in text
    assert "Nguyễn Văn An" in text


def test_a_refused_online_dossier_has_the_refusal_slip_and_no_receipt(client, procedure):
    with at(2026, 3, 10, 20, 0):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code="19774"),
            applicant=Applicant(name="Trần Thị Bích", phone="0905999888"),
            channel="online",
            actor=user("citizen"),
            checked_documents=required_docs(procedure),
        )
    with at(2026, 3, 11, 8, 0):
        services.dossier_refuse(
            dossier=dossier, actor=user("clerk.kimlong"), reason="Không thuộc thẩm quyền"
        )
    response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "refusal"))
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Mẫu số 03" in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền" in text
    assert "Trần Thị Bích" in text
    assert dossier.code in text
    assert "10/03/2026" in text  # submitted online at 20:00 that day

    receipt = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "receipt"))
    assert receipt.status_code == 404
    assert "does not apply" in receipt.content.decode()


def test_a_form_that_does_not_apply_is_404_with_a_message(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure)
    for form in ("refusal", "apology", "stop", "supplement", "nonsense", "09"):
        response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, form))
        assert response.status_code == 404, form
        assert "Form not available" in response.content.decode()


def test_the_apology_prints_the_original_and_the_new_appointment(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure))
    original = dossier.due_at
    new_due = original + timedelta(days=7)
    with at(2026, 3, 11, 9, 0):
        services.dossier_apologize(
            dossier=dossier,
            actor=user("leader.kimlong"),
            reason="Cần xác minh thêm tại địa phương",
            new_due_at=new_due,
        )
    response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "apology"))
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Mẫu số 04" in text
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert ddmmyyyy(original) in text
    assert ddmmyyyy(new_due) in text
    assert "Cần xác minh thêm tại địa phương" in text
    # The receipt printed afterwards shows both dates.
    receipt = text_of(get_pdf(client, "clerk.kimlong", form_url(dossier.code, "receipt")).content)
    assert ddmmyyyy(original) in receipt
    assert ddmmyyyy(new_due) in receipt


def test_the_notice_of_stopping_is_form_05_of_2025(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure))
    with at(2026, 3, 12, 9, 0):
        services.dossier_stop(
            dossier=dossier, actor=user("leader.kimlong"), reason="Người nộp đề nghị dừng"
        )
    response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "stop"))
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Mẫu số 05" in text
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Người nộp đề nghị dừng" in text
    assert "12/03/2026" in text


def test_the_control_sheet_has_a_row_per_step_judged_against_the_appointment(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure)
    due = dossier.due_at
    with at(2026, 3, 10, 10, 0):
        dossier = reviewed(dossier)
    with freeze_time(due + timedelta(days=1)):
        services.dossier_resolve(
            dossier=dossier, actor=user("leader.kimlong"), result_number="12/QĐ"
        )
    response = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "control-sheet"))
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Mẫu số 06" in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text
    assert "Nguyễn Văn An" in text
    rows = documents.control_sheet_rows(Dossier.objects.get(pk=dossier.pk))
    assert [r["action"] for r in rows] == [
        "Submitted",
        "Received at the desk",
        "Handed to the specialist",
        "Result issued",
    ]
    assert [r["result"] for r in rows] == ["", "", "early", "late"]
    assert user("clerk.kimlong").display_name in text


def test_a_dossier_received_before_july_2025_prints_the_2018_forms(client, procedure):
    with at(2025, 6, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure))
    assert dossier.regime == "2018"
    with at(2025, 6, 11, 9, 0):
        services.dossier_apologize(
            dossier=dossier,
            actor=user("leader.kimlong"),
            reason="Chờ kết quả xác minh",
            new_due_at=dossier.due_at + timedelta(days=5),
        )
    sheet = get_pdf(client, "clerk.kimlong", form_url(dossier.code, "control-sheet"))
    assert sheet.status_code == 200
    text = text_of(sheet.content)
    assert "Mẫu số 05" in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "01/2018/TT-VPCP" in text
    apology = text_of(get_pdf(client, "clerk.kimlong", form_url(dossier.code, "04")).content)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in apology
    # Circular 01/2018 had no notice of stopping: a stopped 2018 dossier has no such form, and
    # its "05" is the control sheet.
    with at(2025, 6, 12, 9, 0):
        services.dossier_stop(dossier=dossier, actor=user("leader.kimlong"), reason="Dừng")
    assert get_pdf(client, "clerk.kimlong", form_url(dossier.code, "stop")).status_code == 404
    five = text_of(get_pdf(client, "clerk.kimlong", form_url(dossier.code, "05")).content)
    assert "PHIẾU KIỂM SOÁT" in five


def test_another_wards_clerk_gets_404_and_a_citizen_403(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = desk_dossier(procedure)
    url = form_url(dossier.code, "receipt")
    assert get_pdf(client, "clerk.thuanhoa", url).status_code == 404
    assert get_pdf(client, "citizen", url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert get_pdf(client, "official.hue", url).status_code == 200


def test_the_forms_page_lists_only_the_forms_that_apply(client, procedure):
    with at(2026, 3, 10, 9, 0):
        dossier = reviewed(desk_dossier(procedure))
    client.force_login(user("clerk.kimlong"))
    html = client.get(f"/desk/dossiers/{dossier.code}/forms/").content.decode()
    assert form_url(dossier.code, "receipt") in html
    assert form_url(dossier.code, "control-sheet") in html
    assert form_url(dossier.code, "refusal") not in html
    assert form_url(dossier.code, "apology") not in html


def test_the_tracking_log_lists_the_units_dossiers_of_the_period_only(client, procedure):
    with at(2026, 3, 2, 9, 0):
        first = desk_dossier(procedure)
    with at(2026, 3, 31, 16, 0):
        last = desk_dossier(procedure, applicant=Applicant(name="Lê Thị Cúc", phone="0911222333"))
    with at(2026, 4, 1, 9, 0):
        april = desk_dossier(procedure)
    with at(2026, 2, 27, 9, 0):
        february = desk_dossier(procedure)
    with at(2026, 3, 10, 9, 0):
        elsewhere = desk_dossier(procedure, unit="19789", clerk="clerk.thuanhoa")
    response = get_pdf(
        client,
        "clerk.kimlong",
        "/desk/units/19774/tracking-log.pdf",
        **{"from": "2026-03-01", "to": "31/03/2026"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "Mẫu số 07" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert first.code in text
    assert last.code in text
    assert "Lê Thị Cúc" in text
    for other in (april, february, elsewhere):
        assert other.code not in text
    # A list masks the phone: only the last digits show.
    assert "0911222333" not in text
    assert "•••••••333" in text
    assert "01/03/2026" in text
    assert "31/03/2026" in text


def test_the_tracking_log_is_for_the_units_staff_and_officials(client, demo):
    url = "/desk/units/19774/tracking-log.pdf"
    assert get_pdf(client, "clerk.thuanhoa", url).status_code == 404
    assert get_pdf(client, "specialist.kimlong", url).status_code == 200
    assert get_pdf(client, "official.hue", url).status_code == 200
    assert get_pdf(client, "citizen", url).status_code == 403
    assert get_pdf(client, "clerk.kimlong", "/desk/units/99999/tracking-log.pdf").status_code == 404


@pytest.mark.parametrize(
    "period",
    [
        {"from": "2026-03-31", "to": "2026-03-01"},
        {"from": "yesterday"},
        {"from": "31/02/2026"},
        {"from": "1/2/3/4"},
        {"from": "2024-01-01"},
    ],
)
def test_a_bad_tracking_log_period_is_400_with_a_message(client, demo, period):
    with at(2026, 3, 10, 9, 0):
        response = get_pdf(client, "clerk.kimlong", "/desk/units/19774/tracking-log.pdf", **period)
    assert response.status_code == 400
    assert "Form not available" in response.content.decode()
