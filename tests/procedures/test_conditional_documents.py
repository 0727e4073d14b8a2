"""Conditional documents never block (issue 11, item 7).

LEGAL.md, "Reception and processing": "Asking for papers beyond the procedure's list is
prohibited" (line 34): a paper the list asks for only in a case ("khi xin cấp lại", "trường
hợp ...") is asked for only when the applicant or the clerk states that the case applies.
"""

import pytest
from rest_framework.test import APIClient

from applications.models import Dossier
from portal.accounts.models import User
from procedures.importing import document_condition
from procedures.models import Procedure
from procedures.selectors import documents_required
from tests.applications.conftest import desk_payload, online_payload


@pytest.mark.parametrize(
    ("name_vi", "condition"),
    [
        pytest.param(
            "Giấy xác nhận tình trạng hôn nhân đã cấp trước đây (khi xin cấp lại)",
            "khi xin cấp lại",
            id="re-issue",
        ),
        pytest.param(
            "Bản cam kết bảo đảm an toàn công trình liền kề (khi có công trình liền kề)",
            "khi có công trình liền kề",
            id="building-permit-adjacent",
        ),
        pytest.param(
            "Biên bản về việc trẻ bị bỏ rơi (trường hợp trẻ bị bỏ rơi)",
            "trường hợp trẻ bị bỏ rơi",
            id="case",
        ),
        pytest.param(
            "Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết (nếu có)", "nếu có", id="if-any"
        ),
        pytest.param(
            "Tờ khai (Mẫu 2a) / tờ khai nhận chăm sóc (Mẫu 2b) \u2013 tùy trường hợp",
            "tùy trường hợp",
            id="trailing-clause",
        ),
        # An alternative, not a condition: the birth certificate itself is always needed.
        pytest.param(
            "Giấy chứng sinh; nếu không có thì văn bản người làm chứng", None, id="alternative"
        ),
        pytest.param("Giấy tờ tùy thân còn giá trị \u2013 xuất trình", None, id="shown-only"),
        pytest.param("Đơn đề nghị cấp giấy phép xây dựng", None, id="always"),
    ],
)
def test_the_import_reads_the_condition_in_the_sources_words(name_vi, condition):
    assert document_condition(name_vi) == condition


@pytest.fixture
def api(demo):
    def as_user(username=None):
        client = APIClient()
        if username:
            client.force_authenticate(User.objects.get(username=username))
        return client

    return as_user


def _procedure(code):
    return Procedure.objects.select_related("current_version").get(code=code)


@pytest.mark.parametrize(
    ("code", "conditional"),
    [
        pytest.param("1.004873", "khi xin cấp lại", id="marital-status-first-time"),
        pytest.param("1.013225", "khi có công trình liền kề", id="building-permit"),
    ],
)
def test_a_first_time_applicant_submits_and_is_received_without_the_conditional_document(
    api, demo, code, conditional
):
    procedure = _procedure(code)
    documents = list(procedure.current_version.documents.all())
    reissue = next(d for d in documents if d.condition == conditional)
    assert reissue.required is False
    # The API shows the condition in the source's words.
    shown = api(None).get(f"/api/v1/procedures/{code}/").json()["documents"]
    assert {d["id"]: d["condition"] for d in shown}[reissue.pk] == conditional
    online = online_payload(procedure)
    assert f"document_{reissue.pk}" not in online
    response = api("citizen").post("/api/v1/dossiers/", online, format="multipart")
    assert response.status_code == 201, response.json()
    received = api("clerk.kimlong").post(
        f"/api/v1/dossiers/{response.json()['code']}/receive/", {}, format="json"
    )
    assert received.status_code == 200, received.json()
    assert received.json()["state"] == "received"
    at_desk = api("clerk.kimlong").post("/api/v1/dossiers/", desk_payload(procedure), format="json")
    assert at_desk.status_code == 201, at_desk.json()
    assert Dossier.objects.filter(procedure=procedure).count() == 2


def test_a_conditional_document_is_required_once_its_condition_is_stated(demo):
    version = _procedure("1.004873").current_version
    reissue = version.documents.get(condition="khi xin cấp lại")
    assert reissue not in documents_required(version)
    assert reissue in documents_required(version, conditions={reissue.pk})
    always = [d for d in version.documents.all() if d.required]
    assert always
    assert all(d in documents_required(version) for d in always)


def test_the_clerk_states_the_re_issue_condition_and_the_document_is_then_required(api, demo):
    procedure = _procedure("1.004873")
    reissue = procedure.current_version.documents.get(condition="khi xin cấp lại")
    stated = desk_payload(procedure, conditions=[reissue.pk])
    refused = api("clerk.kimlong").post("/api/v1/dossiers/", stated, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "missing_documents"
    assert refused.json()["missing"] == [reissue.pk]
    assert not Dossier.objects.filter(procedure=procedure).exists()
    stated["checked_documents"] = [*stated["checked_documents"], reissue.pk]
    received = api("clerk.kimlong").post("/api/v1/dossiers/", stated, format="json")
    assert received.status_code == 201, received.json()
