"""The map (Leaflet, tiles from a setting), routing a report to its ward or the city's triage
desk, and "is this yours?" before a duplicate is filed."""

import json
from decimal import Decimal

import pytest

from feedback import routing, services
from feedback.models import Report
from portal.accounts.models import Role, StaffRole, User
from procedures.models import Unit
from tests.feedback.conftest import EMAIL, PHONE, new_report, user
from tests.feedback.test_pages import form_data

SECRETS = (PHONE, EMAIL, "Nguyễn Văn Tư")


def province():
    return Unit.objects.get(kind="province")


# Points checked against feedback/data/ward_areas.geojson (the public source in SOURCE.md).
KIM_LONG_POINT = (Decimal("16.458500"), Decimal("107.552000"))
CITADEL = (Decimal("16.469800"), Decimal("107.577200"))  # Đại Nội, in Phú Xuân ward
AT_SEA = (Decimal("16.600000"), Decimal("107.900000"))
OVERLAP = (Decimal("16.452000"), Decimal("107.554000"))  # Thuận Hóa's and Thủy Xuân's polygons


@pytest.fixture
def triage_clerk(demo):
    """The demo's triage desk (seed_demo: a clerk of the city's own unit)."""
    clerk = User.objects.get(username="triage.hue")
    assert StaffRole.objects.filter(user=clerk, unit=province(), role=Role.CLERK).exists()
    return clerk


def _triage(**extra):
    """A report that names no ward and has no point: nothing to route it by."""
    values = {
        "category": "roads",
        "description": "Đèn đường hỏng",
        "unit": None,
        "latitude": None,
        "longitude": None,
        "address": "Kiệt 65 Kim Long",
        "contact": services.Contact(name="Nguyễn Văn Tư", phone=PHONE, email=EMAIL),
        **extra,
    }
    return services.report_create(**values)


def _at(point):
    return _triage(latitude=point[0], longitude=point[1])


# --- The map page ------------------------------------------------------------------------


def test_the_map_loads_leaflet_from_static_with_the_tile_setting_and_no_personal_data(
    client, demo, settings
):
    report = new_report()
    new_report(is_public=False)
    response = client.get("/phan-anh/ban-do/")
    html = response.content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "unpkg" not in html
    assert "cdn" not in html.lower()
    points = json.loads(response.context["points"])
    assert [p["code"] for p in points] == [report.code]
    assert set(points[0]) == {"code", "lat", "lon", "category", "state", "open", "unit", "url"}
    config = json.loads(response.context["map_config"])
    assert config["tiles"] == settings.MAP_TILE_URL == "/static/img/blank-tile.png"
    for secret in SECRETS:
        assert secret not in html


def test_the_tile_server_is_a_setting(client, demo, settings):
    settings.MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"
    html = client.get("/phan-anh/ban-do/").content.decode()
    assert "https://tiles.example.vn/{z}/{x}/{y}.png" in html


@pytest.mark.parametrize("who", [None, "clerk.thuanhoa", "citizen2"])
def test_the_map_and_the_form_are_the_same_for_anyone(client, demo, who):
    report = new_report()
    if who:
        client.force_login(user(who))
    html = client.get("/phan-anh/ban-do/").content.decode()
    assert report.code in html
    for secret in SECRETS:
        assert secret not in html
    form = client.get("/phan-anh/").content.decode()
    assert 'id="fb-pick-map"' in form
    assert 'id="id_latitude"' in form  # typed coordinates stay: the no-JavaScript answer


# --- Routing -----------------------------------------------------------------------------


def test_a_chosen_ward_wins(demo):
    report = new_report(unit="19789")
    assert report.unit.code == "19789"
    assert report.routed_by == "chosen"


def test_the_known_areas_are_hues_40_units_with_their_source():
    data = json.loads(routing.AREAS_FILE.read_text(encoding="utf-8"))
    codes = {feature["properties"]["code"] for feature in data["features"]}
    assert len(codes) == len(data["features"]) == 40
    assert {"19774", "19753", "19789", "20182"} <= codes
    assert {feature["properties"]["source"] for feature in data["features"]} == {
        "lamngockhuong/vietnam-3d-map public/wards/46.json @ dc6095c45a49"
    }
    assert data["source"]["commit"] == "dc6095c45a49279d6c24f4de6cf00f4b2b04a90d"
    assert {area.code for area in routing.known_areas()} == codes
    assert (routing.AREAS_FILE.parent / "SOURCE.md").exists()


@pytest.mark.parametrize(
    ("point", "code"), [(KIM_LONG_POINT, "19774"), (CITADEL, "19753")], ids=["kimlong", "citadel"]
)
def test_a_point_inside_a_wards_boundary_is_routed_to_that_ward(demo, point, code):
    report = _at(point)
    assert (report.unit.code, report.routed_by) == (code, "location")
    assert report.code.startswith(f"PA-{code}-")


@pytest.mark.parametrize("point", [AT_SEA, OVERLAP, None], ids=["no-area", "two-areas", "none"])
def test_a_point_in_no_or_two_boundaries_or_no_point_goes_to_the_triage_desk(demo, point):
    if point is OVERLAP:  # the test's premise: two simplified polygons hold this point
        held = [a.code for a in routing.known_areas() if routing.contains(a, *map(float, point))]
        assert sorted(held) == ["19789", "19813"]
    report = _at(point) if point else _triage()
    assert report.unit == province()
    assert report.routed_by == "triage"
    assert report.code.startswith("PA-46-")


def test_an_area_naming_a_unit_that_is_not_a_ward_is_ignored(demo, monkeypatch):
    ring = [[107.5, 16.4], [107.6, 16.4], [107.6, 16.5], [107.5, 16.5], [107.5, 16.4]]
    areas = {
        "type": "FeatureCollection",
        "features": [
            {"properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
            for code in ("46", "99999")  # the city itself; a code no unit has
        ],
    }
    monkeypatch.setattr(routing, "known_areas", lambda: routing.parse_areas(areas))
    # Two areas hold it: not guessed. One area, of the city itself: not a ward either.
    assert routing.unit_at(16.45, 107.55) is None
    areas["features"] = areas["features"][:1]
    assert routing.unit_at(16.45, 107.55) is None
    assert _at((Decimal("16.45"), Decimal("107.55"))).routed_by == "triage"


def test_a_point_inside_a_known_area_is_routed_to_that_ward(demo, monkeypatch):
    # A made-up square for the test only, in place of the real boundaries.
    square = {
        "type": "FeatureCollection",
        "features": [
            {
                "properties": {"code": "19789", "source": "test"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[107.5, 16.4], [107.6, 16.4], [107.6, 16.5], [107.5, 16.5]]],
                },
            }
        ],
    }
    monkeypatch.setattr(routing, "known_areas", lambda: routing.parse_areas(square))
    inside = _triage(latitude=Decimal("16.45"), longitude=Decimal("107.55"))
    assert (inside.unit.code, inside.routed_by) == ("19789", "location")
    outside = _triage(latitude=Decimal("16.7"), longitude=Decimal("107.55"))
    assert (outside.unit.kind, outside.routed_by) == ("province", "triage")


def test_the_triage_desk_routes_a_report_to_a_ward(client, triage_clerk):
    report = _triage()
    client.force_login(triage_clerk)
    page = client.get(f"/phan-anh/quan-ly/{report.code}/").content.decode()
    assert 'name="unit"' in page
    response = client.post(
        f"/phan-anh/quan-ly/{report.code}/route/", {"unit": "19774", "note": "Kiệt 65"}
    )
    assert response.status_code == 302
    report = Report.objects.get(pk=report.pk)
    assert (report.unit.code, report.routed_by, report.state) == ("19774", "desk", "new")
    assert report.events.last().action == "route"
    # Now Kim Long's: its staff see it; the desk may not route it again.
    client.force_login(user("clerk.kimlong"))
    assert client.get(f"/phan-anh/quan-ly/{report.code}/").status_code == 200
    with pytest.raises(Exception):  # noqa: B017 - refused, whatever the wording
        services.report_route(
            report=report, actor=triage_clerk, unit=Unit.objects.get(code="19789")
        )


def test_a_bad_ward_code_is_a_message_not_a_500(client, triage_clerk):
    report = _triage()
    client.force_login(triage_clerk)
    response = client.post(f"/phan-anh/quan-ly/{report.code}/route/", {"unit": "nope"})
    assert response.status_code == 302
    report = Report.objects.get(pk=report.pk)
    assert report.unit == province()


@pytest.mark.parametrize("who", [None, "clerk.thuanhoa", "citizen2", "official.hue"])
def test_only_the_triage_desk_routes(client, demo, who):
    report = _triage()
    if who:
        client.force_login(user(who))
    response = client.post(f"/phan-anh/quan-ly/{report.code}/route/", {"unit": "19774"})
    assert response.status_code in (302, 403, 404)
    if who is None:
        assert "/accounts/login/" in response.url or "dang-nhap" in response.url
    elif who == "clerk.thuanhoa":
        assert response.status_code == 404  # another ward's staff: no hint it exists
    report = Report.objects.get(pk=report.pk)
    assert report.unit == province()


# --- "Is this yours?" --------------------------------------------------------------------


def test_a_report_near_an_open_one_of_the_same_kind_is_offered_first(client, demo):
    other_person = services.Contact(name="Trần Thị Bé", phone="0912345678", email="be@example.vn")
    existing = new_report(category="roads", contact=other_person)  # 16.4585, 107.5520
    near = form_data(latitude="16.459000", longitude="107.552300", submission_key="dup-1")
    response = client.post("/phan-anh/", near)
    assert response.status_code == 200
    html = response.content.decode()
    assert existing.code in html
    assert f"/phan-anh/{existing.code}/" in html
    assert Report.objects.count() == 1
    # The other resident's contact never shows; the resident's own answers are kept.
    for secret in ("Trần Thị Bé", "0912345678", "be@example.vn", existing.rating_key):
        assert secret not in html
    # Sending it anyway is one more click, with the answers kept.
    assert 'name="not_duplicate"' in html
    assert 'value="True"' in html
    again = client.post("/phan-anh/", {**near, "not_duplicate": "True"})
    assert again.status_code == 302
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"category": "rubbish"},  # another kind of problem
        {"latitude": "16.470000", "longitude": "107.552000"},  # 1.3 km away
    ],
)
def test_a_different_or_distant_report_is_sent_at_once(client, demo, change):
    new_report(category="roads")
    response = client.post("/phan-anh/", form_data(submission_key="far", **change))
    assert response.status_code == 302


def test_closed_and_private_reports_are_not_offered(client, demo):
    hidden = new_report(category="roads", is_public=False)
    response = client.post("/phan-anh/", form_data(latitude="16.4585", longitude="107.5520"))
    assert response.status_code == 302
    assert hidden.code not in response.content.decode()


@pytest.mark.parametrize("who", [None, "clerk.thuanhoa", "citizen2"])
def test_the_nearby_question_answers_public_fields_only(client, demo, who):
    existing = new_report(category="roads", description="Ổ gà, gọi 0905 777 888")
    new_report(category="roads", is_public=False)
    if who:
        client.force_login(user(who))
    response = client.get(
        "/phan-anh/gan-day.json", {"category": "roads", "lat": "16.4586", "lon": "107.5521"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["code"] for r in body["reports"]] == [existing.code]
    assert set(body["reports"][0]) == {
        "code",
        "category",
        "state",
        "address",
        "description",
        "metres",
        "url",
    }
    assert body["reports"][0]["metres"] < routing.NEARBY_METRES
    text = response.content.decode()
    for secret in (*SECRETS, "0905 777 888", existing.rating_key):
        assert secret not in text


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"category": "nope", "lat": "16.4", "lon": "107.5"},
        {"category": "roads", "lat": "north", "lon": "107.5"},
        {"category": "roads", "lat": "nan", "lon": "107.5"},
        {"category": "roads", "lat": "1e400", "lon": "107.5"},
        {"category": "roads", "lat": "16.4", "lon": "999"},
    ],
)
def test_a_bad_nearby_question_is_a_400(client, demo, query):
    response = client.get("/phan-anh/gan-day.json", query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_distance_is_great_circle_metres():
    # One thousandth of a degree of latitude is about 111 m anywhere.
    assert 110 < routing.metres_between(16.0, 107.0, 16.001, 107.0) < 112


@pytest.mark.parametrize(("who", "status"), [("clerk.thuanhoa", 404), ("citizen2", 403)])
def test_a_report_at_the_triage_desk_is_not_another_wards_or_a_citizens(client, demo, who, status):
    report = _triage()
    client.force_login(user(who))
    assert client.get(f"/phan-anh/quan-ly/{report.code}/").status_code == status
    anonymous = client.__class__()
    assert anonymous.get(f"/phan-anh/quan-ly/{report.code}/").status_code == 302
