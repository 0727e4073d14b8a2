"""Open311 GeoReport v2 under /open311/v2/: discovery, services, requests GET and POST."""

import pytest

from feedback import services
from feedback.models import Channel, Report, State
from tests.feedback.conftest import EMAIL, PHONE, new_report, user

BASE = "/open311/v2"


def post(client, **fields):
    return client.post(f"{BASE}/requests.json", fields)


def valid(**extra):
    return {
        "api_key": "demo-open311-key",
        "jurisdiction_id": "19774",
        "service_code": "pavement",
        "lat": "16.4585",
        "long": "107.5520",
        "description": "Quán nước lấn chiếm vỉa hè",
        "first_name": "Tư",
        "last_name": "Nguyễn Văn",
        "email": EMAIL,
        "phone": PHONE,
        "media_url": "https://example.com/photo.jpg",
        **extra,
    }


def assert_open311_error(response, status):
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list)
    assert len(body) == 1
    assert body[0]["code"] == status
    assert body[0]["description"]


def test_discovery_names_the_endpoint_and_the_specification(client, demo):
    body = client.get(f"{BASE}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["application/json", "text/xml"]


def test_services_are_the_categories(client, demo):
    services_list = client.get(f"{BASE}/services.json").json()
    codes = [s["service_code"] for s in services_list]
    assert codes == ["rubbish", "pavement", "security", "fire", "roads", "flooding", "other"]
    for service in services_list:
        assert service["metadata"] is False
        assert service["type"] == "realtime"
        assert service["service_name"]
        assert service["keywords"]
        assert service["group"]
    assert client.get(f"{BASE}/services/fire.json").json() == {
        "service_code": "fire",
        "attributes": [],
    }
    assert_open311_error(client.get(f"{BASE}/services/nope.json"), 404)


def test_a_client_with_the_key_posts_a_request_routed_to_the_ward(client, open311_key):
    response = post(client, **valid())
    assert response.status_code == 201, response.content
    body = response.json()
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id"]
    report = Report.objects.get(code=body[0]["service_request_id"])
    assert report.unit.code == "19774"
    assert report.category == "pavement"
    assert report.channel == Channel.OPEN311
    assert report.open311_key == open311_key
    # The contact reaches the ward's staff, never a response.
    assert report.contact_phone == PHONE
    assert report.contact_email == EMAIL
    assert report.contact_name == "Nguyễn Văn Tư"
    assert not report.photos.exists()  # media_url is ignored
    open311_key.refresh_from_db()
    assert open311_key.last_used_at is not None


def test_an_address_alone_is_a_location(client, open311_key):
    response = post(client, **valid(lat="", long="", address_string="Chợ Kim Long"))
    assert response.status_code == 201
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert report.latitude is None
    assert report.address == "Chợ Kim Long"


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
def test_posting_without_a_valid_key_is_refused_in_open311_format(client, open311_key, key):
    fields = valid()
    if key is None:
        del fields["api_key"]
    else:
        fields["api_key"] = key
    assert_open311_error(post(client, **fields), 403)
    assert not Report.objects.exists()


def test_an_inactive_key_is_refused(client, open311_key):
    open311_key.is_active = False
    open311_key.save()
    assert_open311_error(post(client, **valid()), 403)


@pytest.mark.parametrize(
    "missing",
    [
        {"service_code": ""},
        {"lat": "", "long": ""},
        {"jurisdiction_id": "475"},  # a former district, not a ward
        {"description": ""},
        {"lat": "north"},
        {"lat": "21.0285", "long": "105.8542"},  # Hà Nội, outside Huế
    ],
)
def test_missing_or_bad_fields_answer_400(client, open311_key, missing):
    assert_open311_error(post(client, **valid(**missing)), 400)
    assert not Report.objects.exists()


def test_an_unknown_service_code_answers_404(client, open311_key):
    assert_open311_error(post(client, **valid(service_code="potholes")), 404)


def test_requests_are_listed_with_public_fields_only(client, demo):
    kim_long = new_report()
    other = new_report(unit="19789", category="flooding")
    hidden = new_report(is_public=False)
    leader = user("leader.kimlong")
    services.report_reject(report=other, actor=user("clerk.thuanhoa"), reason="Trùng")
    html = client.get(f"{BASE}/requests.json").content.decode()
    assert PHONE not in html
    assert EMAIL not in html
    assert "Nguyễn Văn Tư" not in html
    rows = client.get(f"{BASE}/requests.json").json()
    ids = [r["service_request_id"] for r in rows]
    assert kim_long.code in ids
    assert other.code in ids
    assert hidden.code not in ids
    row = next(r for r in rows if r["service_request_id"] == kim_long.code)
    assert row["status"] == "open"
    assert row["service_code"] == "rubbish"
    assert row["lat"] == pytest.approx(16.4585)
    assert row["long"] == pytest.approx(107.552)
    assert row["requested_datetime"].endswith("+07:00")
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [other.code]
    assert closed[0]["status_notes"] == "Trùng"
    by_service = client.get(f"{BASE}/requests.json", {"service_code": "flooding"}).json()
    assert [r["service_request_id"] for r in by_service] == [other.code]
    by_id = client.get(f"{BASE}/requests.json", {"service_request_id": kim_long.code}).json()
    assert [r["service_request_id"] for r in by_id] == [kim_long.code]
    future = client.get(f"{BASE}/requests.json", {"start_date": "2099-01-01T00:00:00Z"}).json()
    assert future == []
    assert_open311_error(client.get(f"{BASE}/requests.json", {"status": "pending"}), 400)
    assert_open311_error(client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}), 400)
    assert leader  # the leader exists but is not named anywhere public
    assert leader.display_name not in html


def test_one_request_by_id(client, demo):
    report = new_report()
    body = client.get(f"{BASE}/requests/{report.code}.json").json()
    assert len(body) == 1
    assert body[0]["service_request_id"] == report.code
    assert body[0]["status"] == "open"
    assert PHONE not in str(body)
    assert EMAIL not in str(body)
    assert_open311_error(client.get(f"{BASE}/requests/PA-19774-000000-9999.json"), 404)
    hidden = new_report(is_public=False)
    assert_open311_error(client.get(f"{BASE}/requests/{hidden.code}.json"), 404)


def test_a_posted_request_can_be_read_back(client, open311_key):
    code = post(client, **valid()).json()[0]["service_request_id"]
    body = client.get(f"{BASE}/requests/{code}.json").json()
    assert body[0]["description"] == "Quán nước lấn chiếm vỉa hè"
    assert body[0]["status"] == "open"
    assert Report.objects.get(code=code).state == State.NEW
