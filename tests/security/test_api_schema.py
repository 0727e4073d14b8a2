"""The OpenAPI schema tells the truth about the answers (found by the fuzz, issue 8 item 9)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def schema(demo):
    return APIClient().get("/api/schema/?format=json").json()


def responses(schema, method, path):
    return set(schema["paths"][path][method]["responses"])


def test_every_operation_documents_bad_input_and_a_bad_token(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert {"400", "401"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("get", "/api/v1/dossiers/{code}/", {"200", "403", "404"}),
        ("post", "/api/v1/dossiers/", {"201", "403", "404"}),
        ("post", "/api/v1/dossiers/{code}/{action}/", {"200", "403", "404", "409"}),
        ("get", "/api/v1/lookup/{code}/", {"200", "404", "429"}),
        ("get", "/api/v1/stats/", {"200", "403", "404"}),
        ("get", "/api/v1/units/", {"200", "404"}),
        ("post", "/api/v1/feedback/reports/{code}/rating/", {"200", "403", "404", "409"}),
        ("post", "/api/v1/dossiers/{code}/rating/", {"201", "400", "403", "404", "415"}),
    ],
)
def test_the_error_answers_of_each_operation_are_documented_with_the_error_body(
    schema, method, path, statuses
):
    assert statuses <= responses(schema, method, path)
    not_found = schema["paths"][path][method]["responses"].get("404")
    if not_found:
        ref = not_found["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorOutput"
    error = schema["components"]["schemas"]["ErrorOutput"]
    assert {"code", "detail"} <= set(error["properties"])


def test_the_dossier_list_is_documented_as_paginated(schema):
    ok = schema["paths"]["/api/v1/dossiers/"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }
    names = {p["name"] for p in schema["paths"]["/api/v1/dossiers/"]["get"]["parameters"]}
    assert {"page", "page_size"} <= names


def test_a_procedures_cutoff_is_documented_as_hours_and_minutes(schema):
    cutoff = schema["components"]["schemas"]["ProcedureOutput"]["properties"]["cutoff"]
    assert cutoff["pattern"] == r"^[0-2]\d:[0-5]\d$"
    response = APIClient().get("/api/v1/procedures/?page_size=200").json()
    assert any(p["cutoff"] == "15:00" for p in response["results"])


def test_a_units_parent_is_documented_as_nullable(schema):
    parent = schema["components"]["schemas"]["UnitOutput"]["properties"]["parent"]
    assert parent.get("nullable") is True


def test_operation_ids_are_unique_and_keep_their_names(schema):
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert schema["paths"]["/api/v1/dossiers/"]["get"]["operationId"] == "v1_dossiers_list"
    assert schema["paths"]["/api/v1/dossiers/{code}/"]["get"]["operationId"] == (
        "v1_dossiers_retrieve"
    )
