import pytest


@pytest.fixture
def api(client, demo):
    return client


def test_units_lists_current_and_former_units_with_codes(api):
    body = api.get("/api/v1/units/?page_size=200").json()
    by_code = {u["code"]: u for u in body["results"]}
    assert by_code["19774"]["name_vi"] == "Phường Kim Long"
    assert by_code["19774"]["kind"] == "ward"
    assert by_code["19774"]["parent"] == "46"
    assert by_code["475"]["kind"] == "legacy"
    assert "19774" in by_code["475"]["successors"]
    wards = api.get("/api/v1/units/?kind=ward").json()
    assert wards["count"] == 21


def test_procedure_search_ignores_diacritics_and_ranks_the_best_match_first(api):
    body = api.get("/api/v1/procedures/", {"search": "khai sinh"}).json()
    assert body["results"][0]["code"] == "1.001193"
    assert {"count", "next", "previous", "results"} <= body.keys()
    land = api.get("/api/v1/procedures/", {"search": "dat dai"}).json()
    assert land["count"] > 0
    assert all(
        "đất đai" in r["name_vi"].lower() or r["field_name"] == "Đất đai" for r in land["results"]
    )


def test_procedure_filters_by_field_and_level(api):
    city = api.get("/api/v1/procedures/", {"level": "province", "page_size": 50}).json()
    assert city["count"] == 10
    assert {r["level"] for r in city["results"]} == {"province"}
    certification = api.get("/api/v1/procedures/", {"field": "certification-attestation"}).json()
    assert certification["count"] > 5


def test_procedure_detail_has_documents_with_ids(api):
    body = api.get("/api/v1/procedures/1.001193/").json()
    assert body["name_vi"] == "Đăng ký khai sinh"
    assert body["processing_unit"] == "same_day"
    assert body["cutoff"] == "15:00"
    assert body["documents"]
    assert all(isinstance(d["id"], int) for d in body["documents"])


def test_unknown_procedure_code_is_a_404_with_a_message(api):
    response = api.get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "due"),
    [
        pytest.param(
            "start=2026-02-13T10:00:00%2B07:00&working_days=1",
            "2026-02-23T10:00:00+07:00",
            id="over-tet",
        ),
        pytest.param(
            "start=2026-11-20T16:55:00%2B07:00&working_days=1",
            "2026-11-23T16:55:00+07:00",
            id="friday-1655",
        ),
        pytest.param(
            "start=2026-04-29T09:00:00%2B07:00&working_days=2",
            "2026-05-05T09:00:00+07:00",
            id="30-4-and-1-5",
        ),
        pytest.param(
            "start=2026-08-21T10:00:00%2B07:00&working_days=1",
            "2026-08-22T10:00:00+07:00",
            id="make-up-saturday",
        ),
        pytest.param(
            "start=2026-03-10T16:00:00%2B07:00&working_hours=2",
            "2026-03-11T08:00:00+07:00",
            id="hours",
        ),
        pytest.param(
            "start=2026-03-10T15:30:00%2B07:00&procedure=1.001193",
            "2026-03-11T17:00:00+07:00",
            id="same-day-after-cutoff",
        ),
    ],
)
def test_due_date_counts_working_time(api, query, due):
    response = api.get(f"/api/v1/calendar/due-date/?{query}")
    assert response.status_code == 200, response.json()
    assert response.json()["due_at"] == due


@pytest.mark.parametrize(
    "query",
    [
        "start=yesterday&working_days=1",
        "start=2026-02-30T10:00&working_days=1",
        "working_days=1",
        "start=2026-03-10T10:00&working_days=-3",
        "start=2026-03-10T10:00&working_days=100000",
        "start=2026-03-10T10:00&working_days=1.5",
        "start=2026-03-10T10:00&working_days=abc",
        "start=2026-03-10T10:00&working_hours=0",
        "start=2026-03-10T10:00",
        "start=2026-03-10T10:00&working_days=1&working_hours=1",
        "start=2026-03-10T10:00&procedure=9.999999",
        "start=2026-03-10T10:00&working_days=1&unit=nope",
    ],
)
def test_due_date_rejects_bad_input_with_a_clear_4xx(api, query):
    response = api.get(f"/api/v1/calendar/due-date/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"]
    assert body["detail"]


def test_empty_and_huge_searches_answer_normally(api):
    assert api.get("/api/v1/procedures/", {"search": ""}).status_code == 200
    response = api.get("/api/v1/procedures/", {"search": "khai sinh " * 1000})
    assert response.status_code == 200
    assert api.get("/api/v1/procedures/", {"level": "district"}).status_code == 400


def test_openapi_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/calendar/due-date/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content


@pytest.mark.parametrize(
    ("query", "provisional"),
    [
        pytest.param("start=2026-12-30T10:00:00%2B07:00&working_days=1", False, id="due-in-2026"),
        pytest.param(
            "start=2026-12-31T10:00:00%2B07:00&working_days=2", True, id="due-in-2027-no-decision"
        ),
        pytest.param("start=2027-03-10T10:00:00%2B07:00&working_hours=2", True, id="2027"),
    ],
)
def test_due_date_says_when_the_year_has_no_government_decision_yet(api, query, provisional):
    """Issue 11: a year after procedures/data/calendar_vn.toml's last decided year (LEGAL.md:57-58,
    the government's yearly swaps) is computed from the Labour Code alone: the answer says so."""
    body = api.get(f"/api/v1/calendar/due-date/?{query}", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert body["provisional"] is provisional
    if provisional:
        assert "2027" in body["note"]
    else:
        assert body["note"] is None
