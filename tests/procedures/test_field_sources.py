"""Each procedure's documents, time and fee keep their own source; unknown has none (issue 11,
item 7). The catalogue file names its sources per record, not per field: a known field has the
record's whole source list, as written."""

import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from procedures.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

SOURCES = "github:a/b data/x.csv (Sở Tư pháp) ; https://dichvucong.gov.vn/p/1.999001"
KNOWN = {
    "code": "9.999101",
    "name_vi": "Thủ tục có đủ thông tin",
    "name_en": "A fully known procedure",
    "field_vi": "Hộ tịch",
    "field_en": "Civil status registration",
    "level": "commune",
    "processing": {"unit": "working_days", "amount": 3},
    "fee_vnd": 8000,
    "documents": [{"name_vi": "Tờ khai", "name_en": "Form", "kind": "form", "count": 1}],
    "source": SOURCES,
}
UNKNOWN = {
    "code": "9.999102",
    "name_vi": "Thủ tục chưa rõ thông tin",
    "field_vi": "Hộ tịch",
    "level": "commune",
    "processing": None,
    "fee_vnd": None,
    "fee_note": "Lệ phí do HĐND cấp tỉnh quy định.",
    "documents": [],
    "source": "https://dichvucong.gov.vn/p/1.999002",
}


def _import(tmp_path, records):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    call_command("import_procedures", str(path))
    return path


def _version(code):
    return Procedure.objects.get(code=code).current_version


def test_the_import_gives_each_known_field_the_records_sources_and_none_to_unknown(tmp_path):
    _import(tmp_path, [KNOWN, UNKNOWN])
    assert _version(KNOWN["code"]).field_sources == {
        "documents": SOURCES,
        "processing": SOURCES,
        "fee": SOURCES,
    }
    assert _version(UNKNOWN["code"]).sources == {"documents": None, "processing": None, "fee": None}


def test_a_free_procedure_has_a_sourced_fee_and_a_record_without_source_has_none(tmp_path):
    free = {**KNOWN, "code": "9.999103", "fee_vnd": 0}
    unsourced = {**KNOWN, "code": "9.999104", "source": ""}
    _import(tmp_path, [free, unsourced])
    assert _version(free["code"]).sources["fee"] == SOURCES
    assert _version(unsourced["code"]).sources == {
        "documents": None,
        "processing": None,
        "fee": None,
    }


def test_reimporting_the_same_file_keeps_the_version_and_its_sources(tmp_path):
    path = _import(tmp_path, [KNOWN, UNKNOWN])
    before = list(ProcedureVersion.objects.values_list("id", "field_sources").order_by("id"))
    call_command("import_procedures", str(path))
    after = list(ProcedureVersion.objects.values_list("id", "field_sources").order_by("id"))
    assert after == before


def test_a_field_that_becomes_known_gets_its_source_in_a_new_version(tmp_path):
    _import(tmp_path, [UNKNOWN])
    (tmp_path / "catalogue.json").unlink()
    _import(tmp_path, [{**UNKNOWN, "processing": {"unit": "working_days", "amount": 5}}])
    version = _version(UNKNOWN["code"])
    assert version.number == 2
    assert version.sources == {
        "documents": None,
        "processing": UNKNOWN["source"],
        "fee": None,
    }


def test_the_page_shows_the_source_under_each_known_section_in_vietnamese(tmp_path):
    _import(tmp_path, [KNOWN])
    with translation.override("vi"):
        page = Client().get(f"/thu-tuc/{KNOWN['code']}/", HTTP_ACCEPT_LANGUAGE="vi")
    text = page.content.decode()
    assert page.status_code == 200
    # the source is HTML-escaped on the page: "Sở" stays, nothing is invented
    assert text.count("Nguồn:") == 3
    assert text.count("Sở Tư pháp") == 3
    assert "Chưa rõ" in text  # the online level no source states


def test_the_page_shows_unknown_fields_as_unknown_with_no_source(tmp_path):
    _import(tmp_path, [UNKNOWN])
    with translation.override("vi"):
        text = Client().get(f"/thu-tuc/{UNKNOWN['code']}/", HTTP_ACCEPT_LANGUAGE="vi")
    text = text.content.decode()
    assert "Nguồn:" not in text
    assert UNKNOWN["source"] not in text
    assert "Chưa rõ: chưa có nguồn công khai nào nêu thời hạn giải quyết" in text
    assert "Chưa rõ: chưa có nguồn công khai nào liệt kê giấy tờ" in text
    assert text.count("Chưa rõ") >= 4  # time, fee, online level, documents


def test_the_english_page_says_source_and_unknown_by_choice(tmp_path):
    _import(tmp_path, [KNOWN, UNKNOWN])
    english = Client()
    english.cookies["motcua_language"] = "en"
    known = english.get(f"/thu-tuc/{KNOWN['code']}/").content.decode()
    unknown = english.get(f"/thu-tuc/{UNKNOWN['code']}/").content.decode()
    assert known.count("Source:") == 3
    assert "Source:" not in unknown
    assert "Unknown: no public source states the time" in unknown


def test_the_api_answers_each_fields_source_or_null(tmp_path):
    _import(tmp_path, [KNOWN, UNKNOWN])
    api = APIClient()
    known = api.get(f"/api/v1/procedures/{KNOWN['code']}/").json()
    unknown = api.get(f"/api/v1/procedures/{UNKNOWN['code']}/").json()
    assert known["sources"] == {"documents": SOURCES, "processing": SOURCES, "fee": SOURCES}
    assert unknown["sources"] == {"documents": None, "processing": None, "fee": None}


def test_the_schema_documents_the_sources_as_nullable_strings():
    schema = APIClient().get("/api/schema/?format=json").json()
    detail = schema["components"]["schemas"]["ProcedureDetailOutput"]
    assert "sources" in detail["required"]
    sources = schema["components"]["schemas"]["FieldSourcesOutput"]
    assert set(sources["properties"]) == {"documents", "processing", "fee"}
    assert all(p.get("nullable") for p in sources["properties"].values())


def test_the_migration_backfills_from_the_stored_per_record_source(tmp_path):
    _import(tmp_path, [KNOWN, UNKNOWN])
    ProcedureVersion.objects.update(field_sources={})
    migration = importlib.import_module("procedures.migrations.0007_version_field_sources")
    migration.backfill(apps, None)
    assert _version(KNOWN["code"]).sources == {
        "documents": SOURCES,
        "processing": SOURCES,
        "fee": SOURCES,
    }
    assert _version(UNKNOWN["code"]).sources == {"documents": None, "processing": None, "fee": None}


def test_a_hand_edited_map_of_the_wrong_shape_reads_as_unknown_not_a_500(tmp_path):
    _import(tmp_path, [KNOWN])
    ProcedureVersion.objects.update(field_sources=["not", "a", "map"])
    assert _version(KNOWN["code"]).sources == {"documents": None, "processing": None, "fee": None}
    assert Client().get(f"/thu-tuc/{KNOWN['code']}/").status_code == 200
