"""Open311 GeoReport v2 is not in the OpenAPI schema (it follows its own specification), so the
schemathesis run does not reach it: this fuzzes its query and its POST form the same way,
derandomised: no server error, and every error in the specification's format."""

import hypothesis
import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from feedback.models import Open311Key

SETTINGS = hypothesis.settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
# Text without NUL (the middleware answers NUL itself: tests/security/test_bad_input.py) and
# without surrogates (not encodable in a URL or a form).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
NUMBERISH = st.one_of(
    TEXT,
    st.sampled_from(["1e400", "-1e400", "NaN", "Infinity", "1E+999999", "16.4585", "", "9" * 40]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)
DATEISH = st.one_of(
    TEXT,
    st.sampled_from(["0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "9999-12-31T23:59:59Z"]),
    st.datetimes().map(lambda d: d.isoformat()),
    st.dates().map(str),
)


def assert_open311_answer(response):
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, list)
        assert {"code", "description"} <= set(body[0]), body


@pytest.fixture
def open311_client(demo):
    Open311Key.objects.get_or_create(key="demo-open311-key", defaults={"name": "Demo"})
    return Client()


@pytest.mark.parametrize("value", ["1e400", "1E+999999", "9" * 40, "-91", "180.5"])
def test_an_absurd_coordinate_posted_to_open311_is_a_400(open311_client, value):
    form = {
        "api_key": "demo-open311-key",
        "service_code": "rubbish",
        "jurisdiction_id": "19774",
        "description": "Rác",
        "lat": value if value != "180.5" else "16.4585",
        "long": "107.552" if value != "180.5" else value,
    }
    response = open311_client.post("/open311/v2/requests.json", form)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00"])
def test_an_absurd_open311_date_is_a_400(open311_client, value):
    for name in ("start_date", "end_date"):
        response = open311_client.get("/open311/v2/requests.json", {name: value})
        assert response.status_code == 400
        assert "1990-01-01" in response.json()[0]["description"]


def test_open311_request_queries_never_give_a_server_error(open311_client):
    @SETTINGS
    @given(
        params=st.fixed_dictionaries(
            {},
            optional={
                "service_request_id": TEXT,
                "service_code": TEXT,
                "start_date": DATEISH,
                "end_date": DATEISH,
                "status": st.one_of(TEXT, st.sampled_from(["open", "closed", "open,closed"])),
                "jurisdiction_id": st.one_of(TEXT, st.just("19774")),
            },
        )
    )
    def run(params):
        assert_open311_answer(open311_client.get("/open311/v2/requests.json", params))

    run()


def test_open311_posted_requests_never_give_a_server_error(open311_client):
    @SETTINGS
    @given(
        form=st.fixed_dictionaries(
            {
                # Mostly a valid request with one or more fields gone wrong: a random api_key
                # or ward stops it before the interesting part.
                "api_key": st.one_of(
                    st.just("demo-open311-key"), st.just("demo-open311-key"), TEXT
                ),
                "service_code": st.one_of(st.sampled_from(["rubbish", "fire"]), TEXT),
                "jurisdiction_id": st.one_of(st.just("19774"), st.just("19774"), TEXT),
                "description": st.one_of(st.just("Rác ở đầu kiệt"), TEXT),
                "lat": st.one_of(st.just("16.4585"), NUMBERISH),
                "long": st.one_of(st.just("107.552"), NUMBERISH),
            },
            optional={
                "address_string": TEXT,
                "email": TEXT,
                "phone": TEXT,
                "first_name": TEXT,
                "last_name": TEXT,
            },
        )
    )
    def run(form):
        assert_open311_answer(open311_client.post("/open311/v2/requests.json", form))

    run()
