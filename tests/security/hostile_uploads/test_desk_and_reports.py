"""Hostile uploads at the desk (walk-in scans, results) and as neighbourhood report photos."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from applications.models import Dossier
from feedback.models import Report
from tests.security import hostile
from tests.security.hostile_uploads.conftest import (
    CASES,
    HOSTILE,
    fragment,
    in_review,
    login,
    required,
    stored,
    upload,
    walk_in,
)

# --- The desk -----------------------------------------------------------------------------------


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
