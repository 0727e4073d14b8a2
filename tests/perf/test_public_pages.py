"""Issue 10's guards for the public pages: what each sends to PostgreSQL once warm, and that the
catalogue each worker keeps (procedures/snapshot.py) follows every change at once.

The procedure page and API and the finder read the catalogue from memory: once warm, they send
no query, however many procedures match. The look-up sends one query (its compiled read,
portal/core/compiled.py), which gives the same dossier as the queryset it replaces."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.models import Dossier
from applications.selectors import dossier_lookup
from applications.selectors.dossiers import LOOKUP_FIELDS
from portal.core.errors import NotFound
from procedures import snapshot
from procedures.importing import DocumentRecord, ProcedureRecord
from procedures.models import Procedure, RequiredDocument, Unit, UnitKind
from procedures.services import procedures_import
from tests.factories.catalogue import ProcedureFactory, UnitFactory
from tests.factories.dossiers import DossierFactory

pytestmark = pytest.mark.django_db


def _warm_queries(client, path: str) -> tuple[int, object]:
    """Queries of the second of two identical requests (the first loads the snapshot)."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), response


@pytest.fixture
def catalogue():
    UnitFactory(code="90001", name_vi="Phường Một", kind=UnitKind.WARD)
    return [ProcedureFactory(version__name_vi=f"Đăng ký khai sinh zeta {n}") for n in range(30)]


@pytest.mark.parametrize(
    "path",
    [
        "/thu-tuc/{code}/",
        "/thu-tuc/{code}/?unit=90001",
        "/api/v1/procedures/{code}/",
        "/api/v1/procedures/?search=khai%20sinh%20zeta",
        "/?q=khai+sinh+zeta",
        "/?field={field}",
    ],
)
def test_the_catalogues_public_pages_send_no_query_once_warm(catalogue, path):
    first = catalogue[0]
    path = path.format(code=first.code, field=first.field.code)
    queries, response = _warm_queries(Client(), path)
    assert queries == 0
    assert first.code.encode() in response.content


def test_the_finder_shows_every_match_from_the_snapshot_in_rank_order(catalogue):
    response = APIClient().get("/api/v1/procedures/", {"search": "khai sinh zeta", "page_size": 50})
    codes = [row["code"] for row in response.json()["results"]]
    assert sorted(codes) == sorted(p.code for p in catalogue)
    # Same rank (the phrase starts every name): shorter names first, then by code.
    names = {p.code: p.current_version.name_folded for p in catalogue}
    assert codes == sorted(codes, key=lambda c: (len(names[c]), c))


def test_an_import_shows_on_the_next_request(catalogue):
    client = Client()
    assert client.get("/thu-tuc/1.999999/").status_code == 404
    procedures_import(
        records=[
            ProcedureRecord(
                line=1,
                code="1.999999",
                name_vi="Thủ tục mới nhập",
                name_en="Newly imported procedure",
                field_vi="Hộ tịch",
                field_en="Civil status",
                level="commune",
                documents=[
                    DocumentRecord(
                        name_vi="Tờ khai", name_en="Form", kind="form", count=1, required=True
                    )
                ],
            )
        ]
    )
    response = client.get("/thu-tuc/1.999999/")
    assert response.status_code == 200
    assert "Thủ tục mới nhập" in response.content.decode()
    assert "1.999999" in str(client.get("/api/v1/procedures/?search=moi+nhap").json())


def test_a_save_of_a_document_unit_or_withdrawal_shows_on_the_next_request(catalogue):
    procedure = catalogue[0]
    client = Client()
    assert client.get(f"/thu-tuc/{procedure.code}/").status_code == 200

    document = RequiredDocument.objects.filter(version=procedure.current_version).first()
    document.name_vi = "Giấy tờ đã sửa"
    document.save()
    assert "Giấy tờ đã sửa" in client.get(f"/thu-tuc/{procedure.code}/").content.decode()

    unit = Unit.objects.get(code="90001")
    unit.name_vi = "Phường Đổi Tên"
    unit.save()
    assert "Phường Đổi Tên" in client.get(f"/thu-tuc/{procedure.code}/").content.decode()

    withdrawn = Procedure.objects.get(pk=procedure.pk)
    withdrawn.is_active = False
    withdrawn.save()
    assert client.get(f"/thu-tuc/{procedure.code}/").status_code == 404
    assert client.get(f"/api/v1/procedures/{procedure.code}/").status_code == 404


def test_a_cleared_cache_reloads_the_snapshot_and_a_cache_outage_reads_postgresql(
    catalogue, settings
):
    procedure = catalogue[0]
    client = Client()
    client.get(f"/thu-tuc/{procedure.code}/")
    # Changed behind the signals' back (as a restore would): a cleared cache reloads.
    Procedure.objects.filter(pk=procedure.pk).update(is_active=False)
    cache.clear()
    assert client.get(f"/thu-tuc/{procedure.code}/").status_code == 404

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    snapshot._cache_down_until = 0.0
    try:
        other = catalogue[1]
        assert client.get(f"/thu-tuc/{other.code}/").status_code == 200
        assert client.get(f"/api/v1/procedures/{other.code}/").status_code == 200
    finally:
        snapshot._cache_down_until = 0.0


def test_the_english_and_vietnamese_pages_are_kept_apart(catalogue):
    procedure = catalogue[0]
    vietnamese = Client().get(f"/thu-tuc/{procedure.code}/").content.decode()
    english = Client()
    english.cookies["motcua_language"] = "en"
    page = english.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert procedure.current_version.name_vi in vietnamese
    assert procedure.current_version.name_en in page
    assert procedure.current_version.name_en not in vietnamese
    api = english.get(f"/api/v1/procedures/{procedure.code}/").json()
    assert api["name"] == procedure.current_version.name_en


# --- The look-up -----------------------------------------------------------------------------


@pytest.fixture
def dossier():
    return DossierFactory(state="in_review", applicant_phone="0905111222")


@pytest.mark.parametrize(
    "path", ["/api/v1/lookup/{code}/?phone=1222", "/tra-cuu/?code={code}&phone=1222"]
)
def test_the_look_up_sends_one_query(dossier, path):
    queries, response = _warm_queries(Client(), path.format(code=dossier.code))
    assert queries == 1
    assert dossier.code.encode() in response.content


def test_the_compiled_look_up_gives_what_the_queryset_gives(dossier):
    found = dossier_lookup(code=dossier.code, phone_last4="1222")
    expected = (
        Dossier.objects.select_related("procedure_version", "handling_unit")
        .only(*LOOKUP_FIELDS)
        .get(code=dossier.code)
    )
    for name in ("pk", "code", "state", "received_at", "due_at", "apology_due_at"):
        assert getattr(found, name) == getattr(expected, name), name
    assert found.procedure_version.name == expected.procedure_version.name
    assert found.handling_unit.name == expected.handling_unit.name
    assert found.get_deferred_fields() == expected.get_deferred_fields()
    with pytest.raises(NotFound):
        dossier_lookup(code=dossier.code, phone_last4="0000")
    with pytest.raises(NotFound):
        dossier_lookup(code="KHONG-CO-MA-NAY", phone_last4="1222")


def test_the_searches_kept_are_bounded_and_a_code_ranks_first(catalogue, monkeypatch):
    monkeypatch.setattr(snapshot, "SEARCHES_KEPT", 5)
    from procedures.selectors import procedure_search

    for n in range(20):
        procedure_search(query=f"khai sinh zeta {n} x{n}")
        procedure_search(query="zeta", field=f"field-that-does-not-exist-{n}" * 50)
    assert len(snapshot.current()._searches) <= 5
    target = catalogue[7]
    version = target.current_version
    version.search_text = f"{version.search_text} {target.code}"  # as the importer writes it
    version.save()
    # A search for a code: that procedure comes first.
    assert procedure_search(query=target.code)[0].code == target.code
    assert procedure_search(query="khai sinh zeta") == procedure_search(query="khai sinh zeta")
    assert procedure_search(query="zeta", field="field-that-does-not-exist") == []


def test_a_change_the_cache_was_not_told_of_shows_once_the_snapshot_is_old(catalogue, monkeypatch):
    procedure = catalogue[0]
    client = Client()
    assert client.get(f"/thu-tuc/{procedure.code}/").status_code == 200
    Procedure.objects.filter(pk=procedure.pk).update(is_active=False)  # no signal, no new token
    assert client.get(f"/thu-tuc/{procedure.code}/").status_code == 200  # still the snapshot
    monkeypatch.setattr(snapshot, "MAX_AGE_SECONDS", 0)
    assert client.get(f"/thu-tuc/{procedure.code}/").status_code == 404


def test_the_cool_downs_turn_and_read_in_one_round_trip_agree_with_wait_for():
    from portal.core.throttling import Cooldown, Tier

    cooldown = Cooldown("lookup-code", [Tier(2, 180), Tier(30, 3600)])
    with cooldown.attempt("19774-000000-0009") as attempt:
        assert attempt.wait == 0
        attempt.failed()
    for _ in range(3):
        with cooldown.attempt("19774-000000-0009") as attempt:
            attempt.failed()
    expected = cooldown.wait_for("19774-000000-0009")
    assert expected > 0
    with cooldown.attempt("19774-000000-0009") as attempt:
        assert attempt.wait in (expected, expected - 1)  # a second may pass between the reads
