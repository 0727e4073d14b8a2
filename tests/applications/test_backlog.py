import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from applications.models import Dossier
from portal.accounts.models import User

HEADER = "legacy_code,procedure_code,applicant_name,applicant_phone,channel,received_at,due_at,state,resolved_at\n"
ROWS = [
    "PX-2025-0001,1.001193,Nguyễn Văn Bảo,0905000111,desk,2025-06-20T08:00:00+07:00,2025-06-20T17:00:00+07:00,in_review,\n",
    "PX-2025-0002,1.001193,Trần Thị Cúc,0905000222,online,2025-06-23T09:00:00+07:00,2025-06-27T09:00:00+07:00,returned,2025-06-25T10:00:00+07:00\n",
]


def write(tmp_path, rows):
    path = tmp_path / "backlog.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def test_backlog_dossiers_keep_their_legacy_code_and_times_and_join_the_queue(demo, tmp_path):
    call_command("import_backlog", write(tmp_path, ROWS), "--unit", "19774", "--from", "475")
    dossier = Dossier.objects.get(legacy_code="PX-2025-0001")
    assert dossier.is_transferred
    assert dossier.legacy_unit.code == "475"
    assert dossier.handling_unit.code == "19774"
    assert dossier.regime == "2018"
    assert dossier.due_at.isoformat() == "2025-06-20T10:00:00+00:00"
    client = APIClient()
    client.force_authenticate(User.objects.get(username="specialist.kimlong"))
    body = client.get("/api/v1/dossiers/", {"legacy_code": "PX-2025-0001"}).json()
    assert body["count"] == 1
    assert body["results"][0]["timeliness"] == "overdue"
    assert body["results"][0]["is_transferred"] is True
    # The finished one keeps the working time it took in Kim Long's calendar: Monday 09:00 to
    # Wednesday 10:00 is 6 + 8 + 3 working hours.
    assert Dossier.objects.get(legacy_code="PX-2025-0002").working_seconds == 17 * 3600
    assert dossier.working_seconds is None


def test_importing_the_same_backlog_twice_adds_nothing(demo, tmp_path, capsys):
    path = write(tmp_path, ROWS)
    call_command("import_backlog", path, "--unit", "19774", "--from", "475")
    call_command("import_backlog", path, "--unit", "19774", "--from", "475")
    assert Dossier.objects.filter(is_transferred=True).count() == 2
    assert "0 dossiers imported, 2 already present" in capsys.readouterr().out


def test_a_bad_backlog_imports_nothing_and_names_each_bad_row(demo, tmp_path, capsys):
    bad = [
        ROWS[0],
        "PX-3,9.999999,A,0905000333,desk,2025-06-20T08:00,2025-06-21T08:00,received,\n",
        "PX-4,1.001193,B,0905000444,fax,2025-06-20T08:00,2025-06-21T08:00,received,\n",
        "PX-5,1.001193,C,0905000555,desk,yesterday,2025-06-21T08:00,received,\n",
        "PX-6,1.001193,D,0905000666,desk,2025-06-20T08:00,2025-06-21T08:00,returned,\n",
    ]
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_backlog", write(tmp_path, bad), "--unit", "19774", "--from", "475")
    err = capsys.readouterr().err
    assert "line 3: unknown procedure code" in err
    assert "line 4: channel must be" in err
    assert "line 5: received_at" in err
    assert "line 6: resolved_at is required" in err
    assert not Dossier.objects.exists()


def test_a_unit_that_did_not_take_over_cannot_import(demo, tmp_path, capsys):
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_backlog", write(tmp_path, ROWS), "--unit", "19789", "--from", "475")
    assert "did not take over" in capsys.readouterr().err
    assert not Dossier.objects.exists()
