"""What `bench/run` reads from the prepared database before it starts the servers (in-process
Django): the demo users' sessions and tokens, and the codes each benchmark asks for."""

import io
import json
import uuid

CLERK = "clerk.kimlong"
CITIZEN = "citizen"
OFFICIAL = "official.hue"
UNIT = "19774"  # Phường Kim Long


def sessions(username: str, count: int) -> list[str]:
    """`count` session cookies of `username` (logged in through Django's test client)."""
    from django.test import Client

    from portal.accounts.models import User

    user = User.objects.get(username=username)
    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def token(username: str) -> str:
    from rest_framework.authtoken.models import Token

    from portal.accounts.models import User

    return Token.objects.get_or_create(user=User.objects.get(username=username))[0].key


def lookup_pairs(count: int = 8) -> list[tuple[str, str]]:
    """Kim Long dossiers being processed: (code, last four digits of the phone)."""
    from applications.models import Dossier, State

    rows = (
        Dossier.objects.filter(
            handling_unit__code=UNIT, state=State.IN_REVIEW, applicant_phone__regex=r"\d{4}$"
        )
        .order_by("-id")
        .values_list("code", "applicant_phone")[:count]
    )
    return [(code, phone[-4:]) for code, phone in rows]


def desk_dossier() -> str:
    """A Kim Long dossier being processed, with history, clock stops and attachments."""
    from applications.models import Dossier, State

    found = (
        Dossier.objects.filter(handling_unit__code=UNIT, state=State.AWAITING_SUPPLEMENT)
        .filter(attachments__isnull=False)
        .order_by("-id")
        .values_list("code", flat=True)
        .first()
    )
    return found or Dossier.objects.filter(handling_unit__code=UNIT).values_list(
        "code", flat=True
    ).latest("id")


def procedures() -> dict:
    """The procedure every submission uses: handled in working days, with required documents
    (the desk checks them all; online, one file each: two when a procedure asks for exactly two),
    and one that asks for no document (an online submission as plain JSON)."""
    from procedures.selectors import procedure_catalogue

    found = {}
    for procedure in (
        procedure_catalogue()
        .filter(current_version__processing_unit="working_days")
        .order_by("code")
    ):
        required = [d.pk for d in procedure.current_version.documents.all() if d.required]
        found.setdefault(min(len(required), 3), (procedure.code, required))
    for size in (2, 1, 3):
        if size in found and 0 in found:
            return {
                "code": found[size][0],
                "required": found[size][1],
                "code_without_documents": found[0][0],
            }
    raise RuntimeError("no procedure with a processing time and required documents")


def wards() -> list[str]:
    from procedures.models import Unit, UnitKind

    return list(
        Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE])
        .order_by("code")
        .values_list("code", flat=True)
    )


def small_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def submission_json(procedure: str, unit: str, number: int, *, channel: str, documents=()) -> bytes:
    values = {
        "procedure": procedure,
        "unit": unit,
        "applicant_name": "Nguyễn Văn Bình",
        "applicant_id_number": f"046{number % 10**9:09d}",
        "applicant_phone": f"09{number % 10**8:08d}",
        "channel": channel,
        "submission_key": f"bench-{uuid.uuid4().hex}",
    }
    if documents:
        values["checked_documents"] = list(documents)
    return json.dumps(values).encode()


def submission_multipart(
    procedure: str,
    unit: str,
    number: int,
    files: dict[int, bytes],
    boundary: str = "motcuabenchboundary",
) -> tuple[bytes, str]:
    """A citizen's online submission with one PDF per document id, as a browser sends it."""
    fields = {
        "procedure": procedure,
        "unit": unit,
        "applicant_name": "Nguyễn Văn Bình",
        "applicant_phone": f"09{number % 10**8:08d}",
        "channel": "online",
        "submission_key": f"bench-{uuid.uuid4().hex}",
    }
    parts = []
    for name, value in fields.items():
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for document, content in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="document_{document}"; '
                f'filename="giay-to-{document}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def duplicate_codes(since) -> dict:
    """Codes given twice among the dossiers created since `since` (0 expected), and how many."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) - count(DISTINCT code) FROM applications_dossier "
            "WHERE created_at >= %s",
            [since],
        )
        created, duplicates = cursor.fetchone()
    return {"created": created, "duplicate_codes": duplicates}
