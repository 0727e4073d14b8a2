"""Bad input is answered 400 with a clear message, never a 500 (issue 8, items 7 and 9).

Found by an outside attacker: a NUL byte in a path or a query, deeply nested JSON and a start
date of year 9999 gave server errors."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from applications.models import Dossier
from portal.accounts.models import User

# Every kind of page and API address that reads an identifier or a filter from the request.
PUBLIC_URLS = [
    "/thu-tuc/{x}/",
    "/nop-ho-so/{x}/",
    "/tra-cuu/?code={x}&phone=1234",
    "/phan-anh/{x}/",
    "/phan-anh/ban-do/?category={x}",
    "/desk/kiosk/{x}/",
    "/desk/display/{x}/",
    "/api/v1/procedures/{x}/",
    "/api/v1/procedures/?search={x}",
    "/api/v1/units/?kind={x}",
    "/api/v1/lookup/{x}/?phone=1234",
    "/api/v1/feedback/reports/{x}/",
    "/api/v1/calendar/due-date/?start=2026-01-05T08:00&working_days=1&unit={x}",
    "/open311/v2/services/{x}.json",
    "/open311/v2/requests/{x}.json",
    "/open311/v2/requests.json?service_code={x}",
]
STAFF_URLS = [
    "/desk/ho-so/{x}/",
    "/desk/?procedure={x}",
    "/desk/dossiers/{x}/forms/",
    "/desk/units/{x}/tracking-log.pdf",
    "/ho-so-cua-toi/{x}/",
    "/thanh-toan/{x}/",
    "/phan-anh/quan-ly/{x}/",
    "/dashboard/?unit={x}",
    "/api/v1/dossiers/{x}/",
    "/api/v1/dossiers/?state={x}",
    "/api/v1/stats/?unit={x}",
]


def leader_client(cls=Client):
    client = cls()
    client.force_login(User.objects.get(username="leader.kimlong"))
    return client


def assert_invalid_input(response):
    assert response.status_code == 400, response.content[:500]
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body["code"] == "invalid_input"
        assert "NUL" in body["detail"]
    else:
        assert "NUL" in response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_URLS + STAFF_URLS)
@pytest.mark.parametrize("nul", ["%00", "abc%00def"])
def test_a_nul_byte_in_the_path_or_query_is_a_400_not_a_500(demo, url, nul):
    for client in (Client(), leader_client()):
        assert_invalid_input(client.get(url.format(x=nul)))


def test_the_nul_refusal_is_json_under_the_api_and_open311_and_a_page_elsewhere(demo):
    api = Client().get("/api/v1/procedures/%00/", HTTP_ACCEPT_LANGUAGE="vi")
    assert api.json() == {
        "code": "invalid_input",
        "detail": "Địa chỉ chứa một ký tự không được phép (NUL).",
    }
    open311 = Client().get("/open311/v2/requests/%00.json")
    assert open311.json()["code"] == "invalid_input"
    page = Client().get("/thu-tuc/%00/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page["Content-Type"].startswith("text/html")
    assert "Địa chỉ chứa một ký tự không được phép (NUL)." in page.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_400(demo):
    client = Client()
    response = client.post("/phan-anh/", {"category": "rubbish", "description": "rác\x00"})
    assert_invalid_input(response)
    response = client.post(
        "/api/v1/feedback/reports/",
        {"category": "rubbish", "description": "a\x00b", "unit": "19774"},
    )
    assert_invalid_input(response)


def test_a_nul_byte_in_a_cookie_is_a_400_before_the_session_is_read(demo):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert_invalid_input(client.get("/ho-so-cua-toi/"))


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        '{"note": ' + "[" * 21 + "]" * 21 + "}",
    ],
    ids=["arrays", "objects", "just-too-deep"],
)
def test_deeply_nested_json_is_a_400(demo, body):
    client = leader_client(APIClient)
    for url in ("/api/v1/dossiers/", "/api/v1/feedback/reports/", "/api/v1/auth/token/"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, response.content[:300]
        assert response.json()["code"] == "invalid_input"
        assert "20" in response.json()["detail"]


def test_nesting_inside_json_strings_does_not_count(demo):
    client = leader_client(APIClient)
    body = json.dumps({"username": "[" * 50, "password": "{" * 50})
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # wrong credentials, not refused input


def test_a_json_body_over_the_size_limit_is_a_400(demo, settings):
    settings.MOTCUA_JSON_MAX_BYTES = 1000
    body = json.dumps({"username": "x" * 2000, "password": "y"})
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "1000" in response.json()["detail"]


def test_a_nul_character_in_json_is_a_400(demo):
    body = '{"username": "citizen\\u0000", "password": "demo12345"}'
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_nan_and_infinity_are_not_json(demo):
    client = leader_client(APIClient)
    body = '{"procedure": "1.001193", "unit": NaN}'
    response = client.post("/api/v1/dossiers/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


@pytest.mark.parametrize(
    "query",
    [
        "start=9999-12-31T10:00&working_days=1",
        "start=9999-12-31T10:00&working_hours=1",
        "start=9999-12-31T10:00&procedure=1.001193",
        "start=0001-01-01T00:00&working_days=1",
    ],
)
def test_a_due_date_from_an_absurd_year_is_a_400(demo, query):
    response = APIClient().get(f"/api/v1/calendar/due-date/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "between 1990-01-01 and 2100-12-31" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "working_days=99999999999999999999",
        "working_days=1e400",
        "working_days=-3",
        "working_hours=NaN",
        "working_hours=-Infinity",
    ],
)
def test_an_absurd_number_of_working_days_or_hours_is_a_400(demo, query):
    url = f"/api/v1/calendar/due-date/?start=2026-01-05T08:00&{query}"
    response = APIClient().get(url)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "period", ["from=9999-12-01&to=9999-12-31", "from=0001-01-01&to=0001-01-31", "to=9999-12-31"]
)
def test_statistics_of_an_absurd_year_are_a_400(demo, period):
    response = leader_client(APIClient).get(f"/api/v1/stats/?{period}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"
    assert "between 1990-01-01 and 2100-12-31" in response.json()["detail"]


def test_the_dashboard_of_an_absurd_year_is_not_a_500(demo):
    response = leader_client().get("/dashboard/?from=9999-12-01&to=9999-12-31")
    assert response.status_code < 500


def test_a_tracking_log_of_an_absurd_year_is_a_400(demo):
    url = "/desk/units/19774/tracking-log.pdf?from=9999-12-01&to=9999-12-31"
    client = leader_client()
    client.cookies["motcua_language"] = "en"
    response = client.get(url)
    assert response.status_code == 400
    assert "between 01/01/1990 and 31/12/2100" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/units/?page=99999999999999999999",
        "/api/v1/units/?page=-1",
        "/api/v1/procedures/?page=0",
        "/api/v1/dossiers/?page=99999999999999999999",
    ],
)
def test_an_out_of_range_page_is_a_4xx_with_the_error_format(demo, url):
    response = leader_client(APIClient).get(url)
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "detail"}


@pytest.mark.parametrize(
    "url",
    [
        "/tep/99999999999999999999/",
        "/nop-ho-so/nhap/99999999999999999999/",
        "/desk/phan-anh/99999999999999999999/",
        "/desk/counter/99999999999999999999/",
        "/desk/kiosk/19774/ticket/99999999999999999999/",
        "/phan-anh/quan-ly/X/anh/99999999999999999999/",
    ],
)
def test_an_id_beyond_bigint_is_a_404(demo, url):
    assert leader_client().get(url).status_code == 404


def test_a_multipart_body_with_no_readable_part_is_a_400_and_nothing_happens(victims):
    """Found by the fuzz: garbage between the boundaries reached the action as an empty form,
    and the payment was confirmed."""
    client = leader_client()
    boundary = "2d0164fa33175f862255084b51282542"
    body = f"--{boundary}\r\n-2.5636750833981104e+236--{boundary}--\r\n"
    response = client.post(
        f"/api/v1/dossiers/{victims.paying.code}/confirm_payment/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert Dossier.objects.get(pk=victims.paying.pk).state == "awaiting_payment"


def test_an_empty_multipart_form_is_still_read(demo):
    boundary = "abc123"
    response = leader_client().post(
        "/api/v1/auth/token/",
        f"--{boundary}--\r\n",
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # the fields are missing: the form was read


@pytest.mark.parametrize("value", ["maybe", "0.768", "yes", ""])
def test_an_overdue_filter_that_is_not_true_or_false_is_a_400(demo, value):
    response = leader_client(APIClient).get(f"/api/v1/dossiers/?overdue={value}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query"


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1e3", ""])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(demo, value):
    response = APIClient().get(f"/api/v1/units/?page_size={value}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_query",
        "detail": "page_size must be a whole number from 1 to 200.",
    }


def test_an_empty_page_number_is_a_400(demo):
    response = APIClient().get("/api/v1/units/?page=", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_query",
        "detail": "page must be a whole number from 1.",
    }


def test_an_empty_level_or_grouping_means_none_as_documented(demo):
    assert APIClient().get("/api/v1/procedures/?search=&field=&level=").status_code == 200
    assert leader_client(APIClient).get("/api/v1/stats/?group_by=").status_code == 200


def test_a_negative_or_absurd_fee_is_a_400_and_nothing_changes(victims):
    client = APIClient()
    client.force_authenticate(User.objects.get(username="leader.kimlong"))
    dossier = victims.paying
    for amount in (-5, 0, 10**30):
        response = client.post(
            f"/api/v1/dossiers/{dossier.code}/request_payment/",
            {"amount": amount},
            format="json",
        )
        assert response.status_code in (400, 409), response.content
        assert response.json()["detail"]
    assert Dossier.objects.get(pk=dossier.pk).fee_vnd == 50_000


def test_ids_beyond_bigint_in_a_body_are_a_4xx(victims):
    procedure_code = victims.procedure.code
    client = APIClient()
    client.force_authenticate(User.objects.get(username="clerk.kimlong"))
    huge = 10**20
    response = client.post(
        "/api/v1/dossiers/",
        {
            "procedure": procedure_code,
            "unit": "19774",
            "applicant_name": "Nguyễn Văn An",
            "channel": "desk",
            "checked_documents": [huge],
            "expected_version": huge,
        },
        format="json",
    )
    assert 400 <= response.status_code < 500, response.content
    kiosk = Client().post("/desk/kiosk/19774/", {"field": str(huge)})
    assert kiosk.status_code < 500


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("start_review", "due_at", "0001-01-01T00:00"),
        ("request_supplement", "due_at", "0001-01-01T00:00"),
        ("apologize", "new_due_at", "9999-12-31T23:59"),
        ("request_supplement", "due_at", "2200-01-01T08:00+07:00"),
    ],
)
def test_a_due_moment_outside_1990_2100_is_a_400_not_a_500(victims, action, field, value):
    """Found by probing: DRF's date-time field overflowed on year 1 read in Asia/Ho_Chi_Minh."""
    client = leader_client(APIClient)
    url = f"/api/v1/dossiers/{victims.paying.code}/{action}/"
    response = client.post(
        url, {field: value, "note": "x", "reason": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.content
    assert "between 1990-01-01 and 2100-12-31" in response.json()["detail"]
    assert Dossier.objects.get(pk=victims.paying.pk).state == "awaiting_payment"


def test_a_field_padded_past_its_length_is_a_400_on_any_action(victims):
    """Found by the API fuzz: a unit code of 11 characters, padded with spaces, was trimmed to
    fit before its length was checked, so an action that ignores it answered 200 to a body the
    schema refuses."""
    client = leader_client(APIClient)
    response = client.post(
        f"/api/v1/dossiers/{victims.paying.code}/return_result/",
        {"unit": "19774" + " " * 6},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert Dossier.objects.get(pk=victims.paying.pk).state == "awaiting_payment"


def test_a_desk_dossier_due_in_year_1_is_a_400(victims):
    client = APIClient()
    client.force_authenticate(User.objects.get(username="clerk.kimlong"))
    procedure = victims.procedure
    docs = [d.pk for d in procedure.current_version.documents.all() if d.required]
    response = client.post(
        "/api/v1/dossiers/",
        {
            "procedure": procedure.code,
            "unit": "19774",
            "applicant_name": "Nguyễn Văn An",
            "channel": "desk",
            "checked_documents": docs,
            "due_at": "0001-01-01T00:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_nul_byte_in_a_header_is_a_400(victims):
    client = leader_client(APIClient)
    response = client.post(
        "/api/v1/feedback/reports/",
        {"category": "rubbish", "description": "Rác", "unit": "19774"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc\x00def",
    )
    assert_invalid_input(response)
