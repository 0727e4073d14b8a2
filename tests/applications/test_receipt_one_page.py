"""The receipt (form 01) on one A4 sheet, signatures included, however many documents (issue 13)."""

import io

from django.db.models import Count
from pypdf import PdfReader

from applications import services
from applications.services import Applicant
from portal.accounts.models import User
from procedures.models import Procedure, Unit


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_the_receipt_of_a_dossier_with_many_documents_is_one_a4_page(client, demo):
    # The demo procedure with the longest list of documents, every one of them ticked.
    procedure = (
        Procedure.objects.annotate(n=Count("current_version__documents"))
        .filter(level="commune")
        .order_by("-n", "code")
        .first()
    )
    documents = list(procedure.current_version.documents.all())
    assert len(documents) >= 6, "the demo should have a procedure with many documents"
    dossier = services.dossier_create(
        procedure=procedure,
        unit=Unit.objects.get(code="19774"),
        applicant=Applicant(
            name="Tôn Nữ Thị Phương Thảo Nguyên",
            id_number="046190005678",
            phone="0905123456",
            address="Số 123/45 kiệt 67 đường Nguyễn Phúc Nguyên, phường Kim Long, thành phố Huế",
        ),
        channel="desk",
        actor=User.objects.get(username="clerk.kimlong"),
        checked_documents=[d.pk for d in documents],
    )
    client.force_login(User.objects.get(username="clerk.kimlong"))
    for language in ("vi", "en"):
        client.cookies["motcua_language"] = language
        response = client.get(f"/desk/dossiers/{dossier.code}/forms/receipt.pdf")
        assert response.status_code == 200
        assert pages_of(response.content) == 1, f"{language}: {len(documents)} documents"
