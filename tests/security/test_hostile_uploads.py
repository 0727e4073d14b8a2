"""Hostile uploads on every path a file comes in by (API, citizen draft, supplement answer, desk
walk-in, result, neighbourhood photos): each refused with a clear message, the rest of the form
kept, nothing stored; and a submission that fails after its files were written leaves none."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from rest_framework.test import APIClient

from applications import services
from applications.models import ApplicationDraft, Attachment, Dossier, DossierEvent
from feedback.models import Report
from portal.accounts.models import User
from procedures.models import Procedure
from tests.security import hostile

HOSTILE = {
    "900-megapixel PNG": (
        "anh-chup.png",
        hostile.png_claiming(30_000, 30_000),
        "too large an image",
    ),
    "900-megapixel JPEG": ("anh.jpg", hostile.jpeg_claiming(30_000, 30_000), "too large an image"),
    "60-megapixel PNG": ("ban-scan.png", hostile.png_claiming(10_000, 6_000), "too large an image"),
    "PDF with JavaScript in OpenAction": (
        "to-khai.pdf",
        hostile.pdf_with_open_action_js(),
        "contains JavaScript",
    ),
    "PDF with an embedded file": (
        "hoa-don.pdf",
        hostile.pdf_with_embedded_file(),
        "has other files embedded",
    ),
    "PDF with JavaScript in a compressed object stream": (
        "giay-to.pdf",
        hostile.pdf_with_js_in_object_stream(),
        "contains JavaScript",
    ),
    "PNG that is also a ZIP (polyglot)": (
        "anh.png",
        hostile.png_with_zip(),
        "also contains another kind of file",
    ),
    "PNG named .pdf": ("scan.pdf", hostile.image("PNG"), "is named as a .pdf file"),
    "PDF named .html": ("to-khai.html", hostile.clean_pdf(), "is named as a .html file"),
}
CASES = pytest.mark.parametrize("case", list(HOSTILE))


def upload(case) -> SimpleUploadedFile:
    name, content, _fragment = HOSTILE[case]
    return SimpleUploadedFile(name, content)


def fragment(case) -> str:
    return HOSTILE[case][2]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


@pytest.fixture
def procedure(demo):
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


def required(procedure):
    return [d for d in procedure.current_version.documents.all() if d.required]


def login(client, username):
    client.force_login(User.objects.get(username=username))
    client.cookies["motcua_language"] = "en"  # English by choice, never by the browser
    return client


def api(username) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(User.objects.get(username=username))
    return client


def online_payload(procedure, **files):
    data = {
        "procedure": procedure.code,
        "unit": "19774",
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_id_number": "046190005678",
        "applicant_phone": "0905123456",
        "channel": "online",
    }
    for doc in required(procedure):
        data[f"document_{doc.pk}"] = SimpleUploadedFile(f"doc{doc.pk}.pdf", hostile.clean_pdf())
    data.update(files)
    return data


def online_dossier(procedure) -> Dossier:
    response = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure), format="multipart"
    )
    assert response.status_code == 201, response.content
    return Dossier.objects.get(code=response.json()["code"])


def in_review(procedure) -> Dossier:
    dossier = online_dossier(procedure)
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_start_review(
        dossier=dossier, actor=User.objects.get(username="specialist.kimlong")
    )
    return Dossier.objects.get(pk=dossier.pk)


# --- The API ------------------------------------------------------------------------------------


@CASES
def test_the_api_refuses_a_hostile_document_and_creates_nothing(procedure, media, case):
    first = required(procedure)[0]
    payload = online_payload(procedure, **{f"document_{first.pk}": upload(case)})
    response = api("citizen").post("/api/v1/dossiers/", payload, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_attachment"
    assert fragment(case) in body["detail"]
    assert HOSTILE[case][0] in body["detail"]
    assert not Dossier.objects.exists()
    assert stored(media) == []


def test_the_refusal_is_in_vietnamese_first(procedure):
    first = required(procedure)[0]
    payload = online_payload(
        procedure, **{f"document_{first.pk}": upload("PDF with JavaScript in OpenAction")}
    )
    client = APIClient()
    client.force_authenticate(User.objects.get(username="citizen"))
    response = client.post("/api/v1/dossiers/", payload, format="multipart")
    assert response.status_code == 400
    assert "JavaScript" in response.json()["detail"]
    assert "chứa" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("to-khai.pdf", hostile.clean_pdf()),
        ("anh-chup.jpg", hostile.image("JPEG")),
        ("anh-chup.jpeg", hostile.image("JPEG", (4000, 3000))),
        ("ban-scan.png", hostile.image("PNG")),
        ("khong-duoi", hostile.clean_pdf()),
    ],
)
def test_clean_pdfs_jpegs_and_pngs_are_still_accepted(procedure, media, name, content):
    first = required(procedure)[0]
    payload = online_payload(
        procedure, **{f"document_{first.pk}": SimpleUploadedFile(name, content)}
    )
    response = api("citizen").post("/api/v1/dossiers/", payload, format="multipart")
    assert response.status_code == 201, response.content
    assert Attachment.objects.filter(original_name=name).count() == 1
    assert len(stored(media)) == len(required(procedure))


def test_the_pixel_limit_is_a_setting(procedure, settings):
    settings.MOTCUA_MAX_IMAGE_PIXELS = 100
    first = required(procedure)[0]
    photo = SimpleUploadedFile("anh.png", hostile.image("PNG", (20, 10)))
    response = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure, **{f"document_{first.pk}": photo}),
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    assert "too large an image" in response.json()["detail"]


@CASES
def test_the_api_refuses_a_hostile_supplement_and_the_result(procedure, media, case):
    dossier = in_review(procedure)
    before = set(stored(media))
    resolve = api("leader.kimlong").post(
        f"/api/v1/dossiers/{dossier.code}/resolve/",
        {"result_number": "12/QĐ-UBND", "result": upload(case)},
        format="multipart",
    )
    assert resolve.status_code == 400
    assert fragment(case) in resolve.json()["detail"]
    assert Dossier.objects.get(pk=dossier.pk).state == "in_review"
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_request_supplement(dossier=dossier, actor=clerk, reason="Thiếu chữ ký")
    doc = required(procedure)[0]
    answer = api("citizen").post(
        f"/api/v1/dossiers/{dossier.code}/supplement/",
        {f"document_{doc.pk}": upload(case), "note": "Đã ký"},
        format="multipart",
    )
    assert answer.status_code == 400
    assert fragment(case) in answer.json()["detail"]
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_supplement"
    assert set(stored(media)) == before


# --- Citizen pages ------------------------------------------------------------------------------

APPLICANT = {
    "unit": "19774",
    "on_behalf": "no",
    "applicant_name": "Nguyễn Thị Lan",
    "applicant_id_number": "046190005678",
    "applicant_phone": "0905 123 456",
    "applicant_email": "lan@example.vn",
    "applicant_address": "12 Kim Long, Huế",
}


@CASES
def test_the_apply_page_refuses_a_hostile_file_and_keeps_the_answers_and_other_files(
    client, procedure, media, case
):
    login(client, "citizen")
    assert client.post(f"/nop-ho-so/{procedure.code}/", APPLICANT).status_code == 302
    draft = ApplicationDraft.objects.get()
    first, second = required(procedure)[:2]
    response = client.post(
        f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/",
        {
            f"document_{first.pk}": SimpleUploadedFile("to-khai.pdf", hostile.clean_pdf()),
            f"document_{second.pk}": upload(case),
            "go": "review",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert fragment(case) in html
    draft.refresh_from_db()
    assert draft.data["applicant_name"] == "Nguyễn Thị Lan"
    assert list(draft.attachments.values_list("document_id", flat=True)) == [first.pk]
    assert len(stored(media)) == 1


@CASES
def test_the_supplement_answer_page_refuses_a_hostile_file(client, procedure, media, case):
    dossier = online_dossier(procedure)
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_request_supplement(dossier=dossier, actor=clerk, reason="Thiếu chữ ký")
    before = set(stored(media))
    login(client, "citizen")
    doc = required(procedure)[0]
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {f"document_{doc.pk}": upload(case), "note": "Tờ khai đã ký lại"},
        follow=True,
    )
    html = response.content.decode()
    assert fragment(case) in html
    assert "Tờ khai đã ký lại</textarea>" in html
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_supplement"
    assert set(stored(media)) == before


# --- The desk -----------------------------------------------------------------------------------


def walk_in(client, procedure, files=None, **extra):
    data = {
        "unit": "19774",
        "applicant_name": "Trần Văn Bình",
        "applicant_id_number": "046090001234",
        "applicant_phone": "0905111222",
        "channel": "desk",
        "submission_key": "walk-in-hostile",
        "checked": [str(d.pk) for d in required(procedure)],
        **(files or {}),
        **extra,
    }
    return client.post(f"/desk/tiep-nhan/{procedure.code}/", data)


@CASES
def test_walk_in_reception_refuses_a_hostile_scan_and_keeps_the_form(
    client, procedure, media, case
):
    login(client, "clerk.kimlong")
    doc = required(procedure)[0]
    response = walk_in(client, procedure, {f"document_{doc.pk}": upload(case)})
    assert response.status_code == 400
    html = response.content.decode()
    assert fragment(case) in html
    assert "Trần Văn Bình" in html
    assert "0905111222" in html
    assert not Dossier.objects.exists()
    assert stored(media) == []


@CASES
def test_the_desk_refuses_a_hostile_result_document(client, procedure, media, case):
    dossier = in_review(procedure)
    before = set(stored(media))
    login(client, "leader.kimlong")
    response = client.post(
        f"/desk/ho-so/{dossier.code}/resolve/",
        {"result_number": "12/QĐ-UBND", "result": upload(case)},
        follow=True,
    )
    html = response.content.decode()
    assert fragment(case) in html
    assert 'value="12/QĐ-UBND"' in html
    assert Dossier.objects.get(pk=dossier.pk).state == "in_review"
    assert set(stored(media)) == before


# --- Neighbourhood reports ----------------------------------------------------------------------

IMAGE_CASES = pytest.mark.parametrize("case", [c for c in HOSTILE if "PNG" in c or "JPEG" in c])


@IMAGE_CASES
def test_the_report_page_refuses_a_hostile_photo_and_keeps_the_answers(client, demo, media, case):
    from procedures.models import Unit

    client.cookies["motcua_language"] = "en"
    response = client.post(
        "/phan-anh/",
        {
            "category": "roads",
            "unit": str(Unit.objects.get(code="19774").pk),
            "description": "Ổ gà lớn giữa đường",
            "address": "Đường Lý Nam Đế",
            "contact_phone": "0905777888",
            "is_public": "on",
            "submission_key": "form-hostile",
            "photo_1": SimpleUploadedFile("ok.jpg", hostile.image("JPEG")),
            "photo_2": upload(case),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert fragment(case) in html
    assert "Ổ gà lớn giữa đường" in html
    assert "Đường Lý Nam Đế" in html
    assert not Report.objects.exists()
    assert stored(media) == []


@IMAGE_CASES
def test_the_report_api_refuses_a_hostile_photo(demo, media, case):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/feedback/reports/",
        {"category": "other", "description": "Rác", "unit": "19774", "address": "Kim Long",
         "photos": [upload(case)]},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    assert fragment(case) in response.json()["detail"]
    assert not Report.objects.exists()
    assert stored(media) == []


# --- Files of refused and failed submissions ---------------------------------------------------


def test_a_walk_in_refused_at_the_desk_keeps_no_file_and_its_history_names_them(
    client, procedure, media
):
    login(client, "clerk.kimlong")
    doc = required(procedure)[0]
    scan = SimpleUploadedFile("cccd.pdf", hostile.clean_pdf())
    response = walk_in(
        client,
        procedure,
        {f"document_{doc.pk}": scan},
        refuse="1",
        refuse_reason="Không thuộc thẩm quyền",
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.state == "refused"
    assert not dossier.attachments.exists()
    assert stored(media) == []
    submit = dossier.events.get(action="submit")
    assert submit.extra["handed_back"][0]["name"] == "cccd.pdf"


def test_an_online_dossier_refused_at_reception_has_its_files_removed(
    procedure, media, django_capture_on_commit_callbacks
):
    dossier = online_dossier(procedure)
    assert len(stored(media)) == len(required(procedure))
    with django_capture_on_commit_callbacks(execute=True):
        response = api("clerk.kimlong").post(
            f"/api/v1/dossiers/{dossier.code}/refuse/",
            {"reason": "Hồ sơ không thuộc thẩm quyền"},
            format="json",
        )
    assert response.status_code == 200
    assert stored(media) == []
    assert not Attachment.objects.filter(dossier=dossier).exists()
    refusal = DossierEvent.objects.get(dossier=dossier, action="refuse")
    assert len(refusal.extra["discarded_files"]) == len(required(procedure))


def test_an_invalid_refusal_keeps_the_files(procedure, media, django_capture_on_commit_callbacks):
    dossier = online_dossier(procedure)
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = api("clerk.kimlong").post(
            f"/api/v1/dossiers/{dossier.code}/refuse/", {"reason": "Muộn"}, format="json"
        )
    assert response.status_code == 409
    assert len(stored(media)) == len(required(procedure))


@pytest.fixture
def no_published_time(demo_transactional):
    """A procedure whose appointment the desk must set: receiving it without one fails after
    its documents were stored."""
    procedure = (
        Procedure.objects.filter(
            current_version__processing_amount__isnull=True,
            current_version__documents__isnull=False,
        )
        .order_by("code")
        .first()
    )
    if procedure is None:
        pytest.skip("the demo catalogue has no procedure without a published time")
    return procedure


def test_a_walk_in_that_fails_after_its_scans_were_stored_leaves_no_file(
    client, no_published_time, media
):
    procedure = no_published_time
    login(client, "clerk.kimlong")
    files = {
        f"document_{doc.pk}": SimpleUploadedFile(f"scan-{doc.pk}.pdf", hostile.clean_pdf())
        for doc in procedure.current_version.documents.all()
    }
    assert files
    response = walk_in(client, procedure, files)
    assert response.status_code == 400
    assert "give the appointment date" in response.content.decode()
    assert "Trần Văn Bình" in response.content.decode()
    assert not Dossier.objects.exists()
    assert stored(media) == []


def test_a_submission_the_database_fails_after_its_files_were_written_leaves_no_file(
    demo_transactional, media
):
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(User.objects.get(username="citizen"))
    full = DatabaseError("could not extend file: No space left")
    with mock.patch("applications.services.reception._record", side_effect=full):
        response = client.post("/api/v1/dossiers/", online_payload(procedure), format="multipart")
    assert response.status_code >= 500
    assert not Dossier.objects.exists()
    assert stored(media) == []


def test_a_committed_submission_keeps_its_files(demo_transactional, media):
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    response = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure), format="multipart"
    )
    assert response.status_code == 201
    dossier = Dossier.objects.get()
    files = stored(media)
    assert len(files) == dossier.attachments.count() == len(required(procedure))


def test_a_pdf_sent_as_a_neighbourhood_photo_is_refused_before_it_is_parsed(demo, media):
    """Reports are open to anyone: a PDF is not a photo, so it is never handed to the parser."""
    with mock.patch("portal.core.uploads._check_pdf", side_effect=AssertionError("parsed")):
        response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/feedback/reports/",
            {"category": "other", "description": "Rác", "unit": "19774", "address": "Kim Long",
             "photos": [SimpleUploadedFile("anh.jpg", hostile.pdf_with_open_action_js())]},
            format="multipart",
        )  # fmt: skip
    assert response.status_code == 400
    assert "is not a JPEG or PNG photo" in response.json()["detail"]
    assert stored(media) == []


def test_a_pdf_with_too_many_objects_is_refused_unwalked(procedure, monkeypatch):
    monkeypatch.setattr("portal.core.uploads.MAX_PDF_OBJECTS", 3)
    first = required(procedure)[0]
    writer_pages = SimpleUploadedFile("nhieu-trang.pdf", hostile.clean_pdf(pages=5))
    response = api("citizen").post(
        "/api/v1/dossiers/",
        online_payload(procedure, **{f"document_{first.pk}": writer_pages}),
        format="multipart",
    )
    assert response.status_code == 400
    assert "too complex a PDF" in response.json()["detail"]
