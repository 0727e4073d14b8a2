"""Objects an attacker goes after: Kim Long's and the demo citizen's, with personal data that
must never show to anyone else (the IDOR suite), and real codes for the API fuzz."""

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from applications import services
from applications.demo_tickets import seed_counters
from applications.models import (
    ApplicationDraft,
    Attachment,
    Complaint,
    Dossier,
    Payment,
    QueueTicket,
    ServiceCounter,
)
from applications.services import payments, ratings, tickets
from feedback import services as feedback_services
from feedback.models import Report, ReportPhoto
from portal.accounts.models import User
from procedures.models import Procedure, Unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"


def _jpeg() -> bytes:
    # A real 1x1 photo: uploads are read by their header (size in pixels), not only their magic.
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "JPEG")
    return buffer.getvalue()


JPEG = _jpeg()

# Personal data of the victims: none of it may appear in an answer to anyone else.
APPLICANT_NAME = "Trần Thị Bí Mật"
APPLICANT_ID = "046190009876"
APPLICANT_PHONE = "0905987654"
APPLICANT_EMAIL = "bimat@example.vn"
APPLICANT_ADDRESS = "99 Kiệt Riêng Tư, Kim Long"
REPORTER_NAME = "Lê Văn Kín Đáo"
REPORTER_PHONE = "0905111999"
REPORTER_EMAIL = "kindao@example.vn"
SECRETS = [
    APPLICANT_NAME,
    APPLICANT_ID,
    APPLICANT_PHONE,
    APPLICANT_EMAIL,
    APPLICANT_ADDRESS,
    REPORTER_NAME,
    REPORTER_PHONE,
    REPORTER_EMAIL,
]


def user(username: str) -> User:
    return User.objects.get(username=username)


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Victims:
    dossier: Dossier  # resolved, with attachments, a result, a rating and a complaint
    paying: Dossier  # awaiting payment, with a pending payment order
    payment: Payment
    attachment: Attachment
    draft: ApplicationDraft
    complaint: Complaint
    report: Report
    photo: ReportPhoto
    counter: ServiceCounter
    ticket: QueueTicket
    procedure: Procedure


def _online_dossier(procedure: Procedure) -> Dossier:
    docs = [d.pk for d in procedure.current_version.documents.all() if d.required]
    return services.dossier_create(
        procedure=procedure,
        unit=Unit.objects.get(code="19774"),
        applicant=services.Applicant(
            name=APPLICANT_NAME,
            id_number=APPLICANT_ID,
            phone=APPLICANT_PHONE,
            email=APPLICANT_EMAIL,
            address=APPLICANT_ADDRESS,
        ),
        channel="online",
        actor=user("citizen"),
        files={doc_id: pdf(f"giay-to-{doc_id}.pdf") for doc_id in docs},
    )


def _reviewed(dossier: Dossier) -> Dossier:
    clerk, specialist = user("clerk.kimlong"), user("specialist.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_start_review(dossier=dossier, actor=clerk, assignee=specialist)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def victims(demo, settings) -> Victims:
    settings.PAYMENT_GATEWAY = "sandbox"
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    leader = user("leader.kimlong")

    dossier = _reviewed(_online_dossier(procedure))
    services.dossier_resolve(
        dossier=dossier, actor=leader, result_number="123/QĐ", result_file=pdf("ket-qua.pdf")
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    rating = services.rating_submit(
        dossier=dossier,
        user=user("citizen"),
        scores=dict.fromkeys(ratings.CRITERIA, 1),
        comment=f"Không hài lòng — {APPLICANT_NAME}",
    )

    paying = _reviewed(_online_dossier(procedure))
    services.dossier_request_payment(
        dossier=paying, actor=user("specialist.kimlong"), amount=50_000, note="Lệ phí"
    )
    paying = Dossier.objects.get(pk=paying.pk)
    payment = payments.payment_start(dossier=paying, actor=user("citizen"))

    draft = services.draft_save(
        user=user("citizen"),
        procedure=procedure,
        answers={
            "unit": "19774",
            "applicant_name": APPLICANT_NAME,
            "applicant_id_number": APPLICANT_ID,
            "applicant_phone": APPLICANT_PHONE,
        },
    )

    report = feedback_services.report_create(
        category="rubbish",
        description="Rác trước cổng",
        unit=Unit.objects.get(code="19774"),
        latitude=Decimal("16.458500"),
        longitude=Decimal("107.552000"),
        address="Kiệt 65 Kim Long",
        contact=feedback_services.Contact(
            name=REPORTER_NAME, phone=REPORTER_PHONE, email=REPORTER_EMAIL
        ),
        photos=[SimpleUploadedFile("pho.jpg", JPEG, content_type="image/jpeg")],
    )

    seed_counters()
    kim_long = Unit.objects.get(code="19774")
    counter = ServiceCounter.objects.filter(unit=kim_long).order_by("number").first()
    ticket = tickets.ticket_issue(unit=kim_long, field=None)

    return Victims(
        dossier=dossier,
        paying=paying,
        payment=payment,
        attachment=dossier.attachments.order_by("pk").first(),
        draft=draft,
        complaint=Complaint.objects.get(rating=rating),
        report=report,
        photo=report.photos.get(),
        counter=counter,
        ticket=ticket,
        procedure=procedure,
    )


__all__ = ["timezone"]


@pytest.fixture
def procedure(demo):
    """A procedure counted in working days, as the applications tests use."""
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
