"""Hostile uploads through the API and the citizen's pages: refused, in Vietnamese first, nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from applications import services
from applications.models import ApplicationDraft, Attachment, Dossier
from portal.accounts.models import User
from tests.security import hostile
from tests.security.hostile_uploads.conftest import (
    CASES,
    HOSTILE,
    api,
    fragment,
    in_review,
    login,
    online_dossier,
    online_payload,
    required,
    stored,
    upload,
)

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
