"""The citizen side through the Django test client: account, apply online with a draft, my
dossiers, supplement, withdraw, downloads, rating and the leader's complaints."""

import pytest

from applications import services
from applications.models import (
    ApplicationDraft,
    Dossier,
)
from portal.accounts.models import User
from procedures.models import Procedure
from tests.applications.conftest import pdf

BACKENDS = ["portal.accounts.auth.PhoneOrEmailBackend"]
APPLICANT = {
    "unit": "19774",
    "on_behalf": "no",
    "applicant_name": "Nguyễn Thị Lan",
    "applicant_id_number": "046190005678",
    "applicant_phone": "0905 123 456",
    "applicant_email": "lan@example.vn",
    "applicant_address": "12 Kim Long, Huế",
}


@pytest.fixture
def procedure(demo):
    """A working-days procedure of the demo catalogue (no authorisation document)."""
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


@pytest.fixture
def as_user(client):
    def login(username):
        client.force_login(User.objects.get(username=username))
        client.cookies["motcua_language"] = "en"  # English by choice, never by the browser
        return client

    return login


def required(procedure):
    return [d for d in procedure.current_version.documents.all() if d.required]


def start(client, procedure, **answers):
    response = client.post(f"/nop-ho-so/{procedure.code}/", {**APPLICANT, **answers})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ApplicationDraft.objects.filter(dossier__isnull=True).latest("id")


def upload_all(client, draft, procedure):
    files = {f"document_{d.pk}": pdf(f"doc{d.pk}.pdf") for d in required(procedure)}
    response = client.post(f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/", {**files, "go": "review"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/nop-ho-so/nhap/{draft.pk}/xem-lai/"


def apply_online(client, procedure) -> Dossier:
    draft = start(client, procedure)
    upload_all(client, draft, procedure)
    response = client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    assert response.status_code == 302, response.content.decode()[:3000]
    return Dossier.objects.get(draft=draft)


def to_result(dossier, *, result=True):
    clerk = User.objects.get(username="clerk.kimlong")
    specialist = User.objects.get(username="specialist.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_start_review(dossier=dossier, actor=specialist)
    return services.dossier_resolve(
        dossier=dossier,
        actor=User.objects.get(username="leader.kimlong"),
        result_number="12/TP",
        result_file=pdf("ket-qua.pdf") if result else None,
    )
