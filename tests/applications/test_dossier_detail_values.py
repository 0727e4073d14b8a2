"""Issue 10: the API dossier detail and the desk page read the dossier as plain values
(applications/selectors/detail.py, applications/api/detail_rows.py). The JSON must be the one
the dossier's own serializer writes, field for field, for every kind of dossier and reader; the
SQL read must give what the ORM reads; and who sees what does not change."""

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient, APIRequestFactory

from applications.api.views import DossierDetailOutput
from applications.generation import generate_dossiers
from applications.models import Attachment, Dossier, DossierEvent, SignatureDelegation
from applications.selectors import detail
from portal.accounts.models import User
from portal.core.errors import NotFound
from procedures.models import Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def varied(demo):
    """Kim Long's and another ward's dossiers in every state, some assigned, transferred in,
    received for another ward, with notes, details and files; a delegated signature."""
    kim_long = Unit.objects.get(code="19774")
    other = Unit.objects.filter(kind="ward").exclude(pk=kim_long.pk).first()
    generate_dossiers(count=60, seed=81, days=60, units=[kim_long], key_prefix="dv")
    generate_dossiers(count=10, seed=82, days=60, units=[other], key_prefix="do")
    ours = list(Dossier.objects.filter(handling_unit=kim_long).order_by("pk"))
    specialist = User.objects.get(username="specialist.kimlong")
    citizen = User.objects.get(username="citizen")
    Dossier.objects.filter(pk__in=[d.pk for d in ours[:6]]).update(
        assignee=specialist, reason="Lý do <b>thử</b>", apology_due_at=timezone.now()
    )
    Dossier.objects.filter(pk__in=[d.pk for d in ours[6:9]]).update(
        receiving_unit=other, applicant_user=citizen, applicant_email="a@example.vn"
    )
    for number, dossier in enumerate(ours[9:11]):
        Dossier.objects.filter(pk=dossier.pk).update(
            is_transferred=True, legacy_unit=other, legacy_code=f"CU-{number}"
        )
    for dossier in ours[:12]:
        DossierEvent.objects.create(
            dossier=dossier,
            action="apologize",
            from_state=dossier.state,
            to_state=dossier.state,
            actor_label="Lãnh đạo <x>",
            at=timezone.now(),
            note="Ghi chú",
            extra={"checked_documents": [1, 2], "ý": None, "a": [1, {"b": "c"}]},
        )
        Attachment.objects.create(
            dossier=dossier,
            purpose="scan",
            file=f"dossiers/test/{dossier.pk}.pdf",
            original_name="cccd.pdf",
            content_type="application/pdf",
            size=123456,
            sha256="0" * 64,
        )
    SignatureDelegation.objects.create(unit=kim_long, procedure=ours[0].procedure)
    return ours


READERS = ["clerk.kimlong", "specialist.kimlong", "leader.kimlong", "official.hue", "citizen"]


@pytest.mark.parametrize("username", READERS)
def test_the_api_detail_is_the_same_json_as_the_dossiers_own_serializer(varied, username):
    user = User.objects.get(username=username)
    client = APIClient()
    client.force_authenticate(user)
    request = APIRequestFactory().get("/")
    request.user = user
    for language in ("vi", "en"):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        seen = 0
        for dossier in Dossier.objects.order_by("pk"):
            url = f"/api/v1/dossiers/{dossier.code}/"
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            if response.status_code == 404:
                with pytest.raises(NotFound):
                    detail.dossier_detail(user=user, code=dossier.code)
                continue
            seen += 1
            with translation.override(language):
                dossier = Dossier.objects.select_related(
                    "procedure", "procedure_version", "handling_unit", "receiving_unit", "assignee"
                ).get(pk=dossier.pk)
                expected = DossierDetailOutput(
                    dossier, context={"request": request, "now": timezone.now()}
                ).data
            assert response.json() == expected, (language, dossier.code)
            # The same fields in the same order as the serializer writes them.
            assert list(response.json()) == list(expected)
        assert seen >= (3 if username == "citizen" else 60)


def test_the_sql_read_gives_what_the_orm_reads(varied, monkeypatch):
    official = User.objects.get(username="official.hue")
    codes = [d.code for d in varied[:12]]
    on_postgresql = {
        code: (
            detail.dossier_detail(user=official, code=code),
            detail.history(Dossier.objects.get(code=code).pk),
            detail.attachments(Dossier.objects.get(code=code).pk),
            detail.documents(Dossier.objects.get(code=code).procedure_version_id),
        )
        for code in codes
    }
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the embedded default's path
    for code, read in on_postgresql.items():
        dossier = Dossier.objects.get(code=code)
        assert read == (
            detail.dossier_detail(user=official, code=code),
            detail.history(dossier.pk),
            detail.attachments(dossier.pk),
            detail.documents(dossier.procedure_version_id),
        ), code
    assert all(read[1] and read[2] for read in on_postgresql.values())
    assert any(read[3] for read in on_postgresql.values())


def test_the_detail_is_not_found_for_anyone_who_may_not_see_the_dossier(varied):
    ours = varied[20]
    assert ours.applicant_user_id is None
    other_clerk = User.objects.get(username="clerk.thuanhoa")
    citizen = User.objects.get(username="citizen")
    assert APIClient().get(f"/api/v1/dossiers/{ours.code}/").status_code in (401, 403)
    for user in (other_clerk, citizen):
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"/api/v1/dossiers/{ours.code}/").status_code == 404
        page = Client()
        page.force_login(user)
        assert page.get(f"/desk/ho-so/{ours.code}/").status_code in (403, 404)
    # The applicant sees their own dossier (received for another ward), not its neighbours.
    own = varied[6]
    api = APIClient()
    api.force_authenticate(citizen)
    assert api.get(f"/api/v1/dossiers/{own.code}/").json()["code"] == own.code
    assert Client().get(f"/desk/ho-so/{ours.code}/").status_code == 302  # to the sign-in
