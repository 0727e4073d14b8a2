import json

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Procedure, ProcedureVersion

GOOD = {
    "code": "9.999001",
    "name_vi": "Thủ tục thử nghiệm",
    "name_en": "Test procedure",
    "field_vi": "Hộ tịch",
    "field_en": "Civil status registration",
    "level": "commune",
    "processing": {"unit": "working_days", "amount": 3},
    "fee_vnd": 10000,
    "documents": [
        {"name_vi": "Tờ khai", "name_en": "Form", "kind": "form", "count": 1},
        {"name_vi": "Văn bản ủy quyền (nếu ủy quyền)", "kind": "original", "count": 1},
    ],
    "legal_basis": ["Luật Hộ tịch 2014"],
}


def write_json(tmp_path, records, name="p.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_importing_a_json_file_creates_procedures_with_documents(demo, tmp_path):
    call_command("import_procedures", str(write_json(tmp_path, [GOOD])))
    procedure = Procedure.objects.get(code="9.999001")
    version = procedure.current_version
    assert version.number == 1
    assert version.processing_unit == "working_days"
    assert [d.required for d in version.documents.all()] == [True, False]


def test_importing_the_same_file_twice_changes_nothing(demo, tmp_path):
    path = write_json(tmp_path, [GOOD])
    call_command("import_procedures", str(path))
    before = ProcedureVersion.objects.count()
    call_command("import_procedures", str(path))
    assert ProcedureVersion.objects.count() == before


def test_a_changed_procedure_gets_a_new_version_and_keeps_the_old_one(demo, tmp_path):
    call_command("import_procedures", str(write_json(tmp_path, [GOOD])))
    changed = {**GOOD, "processing": {"unit": "working_days", "amount": 5}}
    call_command("import_procedures", str(write_json(tmp_path, [changed], "q.json")))
    procedure = Procedure.objects.get(code="9.999001")
    assert procedure.current_version.number == 2
    assert procedure.current_version.processing_amount == 5
    assert procedure.versions.count() == 2


def test_a_bad_file_imports_nothing_and_names_every_bad_row_by_line(demo, tmp_path, capsys):
    bad_level = {**GOOD, "code": "9.999002", "level": "district"}
    bad_time = {**GOOD, "code": "9.999003", "processing": {"unit": "working_days", "amount": -2}}
    path = write_json(tmp_path, [GOOD, bad_level, bad_time])
    text = path.read_text(encoding="utf-8")
    line_of = {
        code: text[: text.index(f'"{code}"')].count("\n") for code in ("9.999002", "9.999003")
    }
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_procedures", str(path))
    err = capsys.readouterr().err
    assert f"line {line_of['9.999002']}: level must be one of" in err
    assert f"line {line_of['9.999003']}: processing amount -2 is not a sensible number" in err
    assert not Procedure.objects.filter(code__startswith="9.99900").exists()


def test_csv_import_reports_line_numbers_and_reads_documents(demo, tmp_path, capsys):
    header = "code,name_vi,name_en,field_vi,field_en,level,processing_unit,processing_amount,fee_vnd,documents\n"
    good = '9.999010,Chứng thực thử,Test certification,Chứng thực,Certification,commune,same_day,1,2000,"form|1|yes|Tờ khai|Form\ncopy|2|no|Bản sao (nếu có)|Copy"\n'
    bad = "9.999011,Thủ tục lỗi,,Chứng thực,,commune,working_days,abc,,\n"
    path = tmp_path / "p.csv"
    path.write_text(header + good + bad, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_procedures", str(path))
    assert "line 4: processing amount must be a number" in capsys.readouterr().err
    path.write_text(header + good, encoding="utf-8")
    call_command("import_procedures", str(path))
    version = Procedure.objects.get(code="9.999010").current_version
    assert version.processing_unit == "same_day"
    assert version.cutoff.strftime("%H:%M") == "15:00"
    assert [(d.kind, d.count, d.required) for d in version.documents.all()] == [
        ("form", 1, True),
        ("copy", 2, False),
    ]


def test_duplicate_codes_and_invalid_json_are_reported(demo, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_procedures", str(write_json(tmp_path, [GOOD, GOOD])))
    assert "already appears on line" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('[{"code": "1",\n "name_vi": }]', encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_procedures", str(broken))
    assert "line 2: invalid JSON" in capsys.readouterr().err
