"""Open311 GeoReport v2 in `.xml` beside `.json`, and a POST naming no ward (routing)."""

from xml.etree import ElementTree as ET

import pytest

from feedback.models import Report
from tests.feedback.conftest import EMAIL, PHONE, new_report
from tests.feedback.test_open311 import BASE, valid

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def xml(response, root, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    tree = ET.fromstring(response.content)
    assert tree.tag == root
    return tree


def test_discovery_and_services_answer_in_xml_as_in_json(client, demo):
    discovery = xml(client.get(f"{BASE}/discovery.xml"), "discovery")
    endpoint = discovery.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]
    services = xml(client.get(f"{BASE}/services.xml"), "services")
    as_json = client.get(f"{BASE}/services.json").json()
    assert [s.findtext("service_code") for s in services.findall("service")] == [
        s["service_code"] for s in as_json
    ]
    first = services.find("service")
    assert [child.tag for child in first] == list(as_json[0])
    assert first.findtext("metadata") == "false"
    definition = xml(client.get(f"{BASE}/services/fire.xml"), "service_definition")
    assert definition.findtext("service_code") == "fire"
    assert definition.find("attributes") is not None


def test_requests_list_and_detail_in_xml_carry_the_public_fields_only(client, demo):
    report = new_report(description="Gọi 0905 777 888 khi cần")
    hidden = new_report(is_public=False)
    tree = xml(client.get(f"{BASE}/requests.xml"), "service_requests")
    requests = tree.findall("request")
    assert [r.findtext("service_request_id") for r in requests] == [report.code]
    assert [child.tag for child in requests[0]] == REQUEST_FIELDS
    assert requests[0].findtext("status") == "open"
    assert requests[0].findtext("lat") == "16.4585"
    detail = xml(client.get(f"{BASE}/requests/{report.code}.xml"), "service_requests")
    assert detail.find("request/service_request_id").text == report.code
    body = client.get(f"{BASE}/requests.xml").content.decode() + detail_text(client, report)
    for secret in (PHONE, "0905 777 888", EMAIL, "Nguyễn Văn Tư", report.rating_key):
        assert secret not in body
    assert hidden.code not in body
    errors = xml(client.get(f"{BASE}/requests/{hidden.code}.xml"), "errors", status=404)
    assert errors.find("error/code").text == "404"
    assert errors.find("error/description").text


def detail_text(client, report):
    return client.get(f"{BASE}/requests/{report.code}.xml").content.decode()


def test_a_post_answers_in_xml_and_errors_are_xml_errors(client, open311_key):
    created = xml(client.post(f"{BASE}/requests.xml", valid()), "service_requests", status=201)
    request = created.find("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    report = Report.objects.get(code=request.findtext("service_request_id"))
    assert report.unit.code == "19774"
    assert PHONE not in created.findtext("request/service_notice")
    refused = xml(client.post(f"{BASE}/requests.xml", valid(api_key="wrong")), "errors", status=403)
    assert refused.findtext("error/code") == "403"
    bad = xml(client.post(f"{BASE}/requests.xml", valid(lat="north")), "errors", status=400)
    assert bad.findtext("error/code") == "400"


def test_a_post_naming_no_ward_is_routed_by_its_point(client, open311_key):
    # 16.4585, 107.5520 lies in Kim Long's boundary (feedback/data/ward_areas.geojson).
    response = client.post(f"{BASE}/requests.json", valid(jurisdiction_id=""))
    assert response.status_code == 201, response.content
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert (report.unit.code, report.routed_by) == ("19774", "location")
    assert report.unit.name in response.json()[0]["service_notice"]


@pytest.mark.parametrize(
    "where",
    [
        {"lat": "", "long": "", "address_string": "Chợ Kim Long"},  # no point
        {"lat": "16.6000", "long": "107.9000"},  # at sea: no ward's area holds it
        {"lat": "16.4520", "long": "107.5540"},  # where Thuận Hóa's and Thủy Xuân's overlap
    ],
)
def test_a_post_naming_no_ward_and_no_single_ward_area_goes_to_the_triage_desk(
    client, open311_key, where
):
    response = client.post(f"{BASE}/requests.json", valid(jurisdiction_id="", **where))
    assert response.status_code == 201, response.content
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert (report.unit.kind, report.routed_by) == ("province", "triage")
    assert report.unit.name in response.json()[0]["service_notice"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_format_is_not_a_route(client, demo, fmt):
    assert client.get(f"{BASE}/services.{fmt}").status_code == 200
    assert client.get(f"{BASE}/services.csv").status_code == 404


@pytest.mark.parametrize("who", [None, "clerk.thuanhoa", "citizen2"])
def test_the_xml_answer_is_the_same_public_one_for_anyone(client, demo, who):
    from tests.feedback.conftest import user

    report = new_report()
    if who:
        client.force_login(user(who))
    body = client.get(f"{BASE}/requests.xml").content.decode()
    assert report.code in body
    for secret in (PHONE, EMAIL, "Nguyễn Văn Tư", report.rating_key):
        assert secret not in body
