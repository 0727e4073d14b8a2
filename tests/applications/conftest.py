import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from applications.models.delegations import SignatureDelegation
from portal.accounts.models import User
from procedures.models import Procedure, Unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001"
)


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def api(demo):
    def as_user(username=None):
        client = APIClient()
        if username:
            client.force_authenticate(User.objects.get(username=username))
        return client

    return as_user


@pytest.fixture
def procedure(demo):
    """Chứng thực bản sao từ bản chính: 2 working days? Use a working-days procedure."""
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


@pytest.fixture
def delegated_signatures(demo):
    """Kim Long and Thuận Hóa let their specialists issue every procedure's result without a
    leader's signature (issue 11: otherwise a leader signs it)."""
    units = Unit.objects.filter(code__in=["19774", "19789"])
    SignatureDelegation.objects.bulk_create(
        SignatureDelegation(unit=unit, procedure=procedure)
        for unit in units
        for procedure in Procedure.objects.all()
    )


def required_docs(procedure):
    return [d.pk for d in procedure.current_version.documents.all() if d.required]


def desk_payload(procedure, **extra):
    return {
        "procedure": procedure.code,
        "unit": "19774",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "046090001234",
        "applicant_phone": "0905111222",
        "channel": "desk",
        "checked_documents": required_docs(procedure),
        **extra,
    }


def online_payload(procedure, **extra):
    data = {
        "procedure": procedure.code,
        "unit": "19774",
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_id_number": "046190005678",
        "applicant_phone": "0905123456",
        "channel": "online",
    }
    for doc_id in required_docs(procedure):
        data[f"document_{doc_id}"] = pdf(f"doc{doc_id}.pdf")
    data.update(extra)
    return data


__all__ = ["io"]
