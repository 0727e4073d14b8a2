"""The catalogue says "unknown" rather than guess or borrow (issue 11, item 7)."""

import re

import pytest
from django.core.management import call_command
from django.utils import translation

from procedures.demo import CATALOGUE_FILE
from procedures.importing import read_procedure_file, unknown_counts
from procedures.models import Procedure, Unit

OTHER_PROVINCES = re.compile(r"Cần Thơ|Hải Phòng|Sóc Trăng")
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


@pytest.fixture(scope="module")
def records():
    return read_procedure_file(CATALOGUE_FILE)


def test_no_fee_is_borrowed_from_another_province(records):
    assert not [r.code for r in records if OTHER_PROVINCES.search(r.fee_note)]


def test_no_online_level_is_stated_without_a_source(records):
    """procedures_NOTES/README of the reference data: the online level is unknown everywhere."""
    assert {r.online_level for r in records} == {""}


def test_processing_notes_are_vietnamese_with_the_english_apart(records):
    for record in records:
        for sentence in filter(None, re.split(r"(?<=\.)\s+", record.processing_note)):
            english = re.findall(r"\b(?:the|not|only|from|captured|verify|verified)\b", sentence)
            assert len(english) < 2 or VIETNAMESE.search(sentence), (record.code, sentence)
    assert any(r.processing_note_en for r in records)


def test_the_procedures_without_a_national_code_have_local_codes_that_cannot_collide(records):
    local = [r.code for r in records if not re.fullmatch(r"\d\.\d{6}", r.code)]
    assert len(local) == 4
    assert all(re.fullmatch(r"HUE-L\d{3}", code) for code in local)
    assert len({r.code for r in records}) == len(records)


def test_the_import_reports_what_is_unknown_per_field(records, db, capsys):
    counts = unknown_counts(records)
    assert counts["online_level"] == len(records)
    assert counts["national_code (local code)"] == 4
    assert counts["documents"] > 0
    call_command("import_procedures", str(CATALOGUE_FILE))
    out = capsys.readouterr().out
    assert f"Unknown, of {len(records)} procedures:" in out
    assert f"  documents: {counts['documents']}" in out
    assert f"  processing_time: {counts['processing_time']}" in out


def test_both_former_wards_hương_văn_and_hương_vân_exist(demo):
    former = Unit.objects.filter(name_vi__in=["Phường Hương Văn", "Phường Hương Vân"])
    assert {u.name_vi for u in former} == {"Phường Hương Văn", "Phường Hương Vân"}
    assert len({u.code for u in former}) == 2
    assert all(u.successors.filter(code="19996").exists() for u in former)


def test_the_procedure_page_says_unknown_in_vietnamese_and_keeps_english_apart(client, demo):
    procedure = Procedure.objects.get(code="1.013702")
    version = procedure.current_version
    assert version.processing_note_en
    assert version.online_level == ""
    url = f"/thu-tuc/{procedure.code}/"
    with translation.override("vi"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert version.processing_note_en not in page
    assert "Chưa rõ" in page
