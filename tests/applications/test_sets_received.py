"""Forms 01 and 07 print the sets (bộ) of papers the desk received (LEGAL.md, the forms' table):
the clerk says how many at the walk-in desk or in the API; 1 unless said; nonsense is refused
with a message and nothing is made."""

import pytest

from applications.models import Dossier
from tests.applications.test_desk_traps import _clerk, _form
from tests.applications.test_forms_fields import pdf_of


def _required(version):
    return [d.pk for d in version.documents.all() if d.required]


def test_the_walk_in_desk_records_three_sets_and_form_01_prints_them(client, procedure):
    form = _form(procedure, sets="3", submission_key="three-sets")
    response = _clerk(client).post(f"/desk/tiep-nhan/{procedure.code}/", form)
    assert response.status_code == 302, response.content.decode()[:1500]
    dossier = Dossier.objects.get(submission_key="three-sets")
    assert dossier.sets == 3
    text = pdf_of(client, dossier.code, "receipt", language="en")
    assert "Number of sets 3 sets" in text


def test_the_desk_form_offers_one_set_by_default(client, procedure):
    page = _clerk(client).get(f"/desk/tiep-nhan/{procedure.code}/").content.decode()
    assert 'name="sets"' in page
    assert 'value="1"' in page


@pytest.mark.parametrize("sets", ["0", "21", "abc", "-2"])
def test_a_number_of_sets_out_of_range_keeps_the_form_and_says_why(client, procedure, sets):
    form = _form(procedure, sets=sets, submission_key=f"bad-sets-{sets}")
    response = _clerk(client).post(f"/desk/tiep-nhan/{procedure.code}/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Số bộ hồ sơ phải là số nguyên" in page  # in the clerk's language
    assert "Nguyễn Văn An" in page  # nothing typed is lost
    assert not Dossier.objects.filter(submission_key=f"bad-sets-{sets}").exists()


def test_the_api_takes_the_sets_and_refuses_a_number_out_of_range(api, procedure):
    version = procedure.current_version
    body = {
        "procedure": procedure.code,
        "unit": "19774",
        "applicant_name": "Trần Thị Bình",
        "channel": "desk",
        "checked_documents": _required(version),
    }
    client = api("clerk.kimlong")
    made = client.post("/api/v1/dossiers/", {**body, "sets": 2}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["sets"] == 2
    for bad in (0, 21, "x"):
        response = client.post("/api/v1/dossiers/", {**body, "sets": bad}, format="json")
        assert response.status_code == 400, (bad, response.content)
        assert response.json()["code"] == "invalid"
    unsaid = client.post("/api/v1/dossiers/", body, format="json")
    assert unsaid.json()["sets"] == 1
