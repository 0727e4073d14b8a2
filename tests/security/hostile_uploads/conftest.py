"""Hostile uploads on every path a file comes in by (API, citizen draft, supplement answer, desk
walk-in, result, neighbourhood photos): each refused with a clear message, the rest of the form
kept, nothing stored; and a submission that fails after its files were written leaves none."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from applications import services
from applications.models import Dossier
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
