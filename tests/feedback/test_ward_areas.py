"""The wards' boundaries on the public map (a layer fetched on demand, with its source), and the
demo's triage desk account that sends a report no boundary could route to its ward."""

from pathlib import Path

import pytest

from feedback import map_views, routing
from feedback.models import Report
from tests.feedback.conftest import user
from tests.feedback.test_map_routing import _triage, province

AREAS_URL = "/phan-anh/ranh-gioi.json"


@pytest.mark.parametrize("who", [None, "clerk.thuanhoa", "citizen2"])
def test_the_boundaries_are_public_geojson_with_their_source(client, demo, who):
    if who:
        client.force_login(user(who))
    response = client.get(AREAS_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age" in response["Cache-Control"]
    data = response.json()
    assert len(data["features"]) == 40
    kim_long = next(f for f in data["features"] if f["properties"]["code"] == "19774")
    assert kim_long["properties"]["name"] == "Kim Long"
    assert kim_long["properties"]["source"].startswith("lamngockhuong/vietnam-3d-map")
    assert kim_long["geometry"]["type"] == "MultiPolygon"


def test_the_map_offers_the_boundary_layer_without_loading_it(client, demo):
    html = client.get("/phan-anh/ban-do/").content.decode()
    assert f'data-url="{AREAS_URL}"' in html
    assert "lamngockhuong/vietnam-3d-map (MIT), gis.vn" in html  # the layer's attribution
    assert '"features"' not in html  # the boundaries are fetched on demand only


def test_without_a_boundary_file_there_is_no_layer_and_no_file(client, demo, monkeypatch):
    monkeypatch.setattr(routing, "AREAS_FILE", Path("/nonexistent/ward_areas.geojson"))
    map_views._areas_data.cache_clear()
    html = client.get("/phan-anh/ban-do/").content.decode()
    assert AREAS_URL not in html
    response = client.get(AREAS_URL)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_boundaries_answer_get_only(client, demo):
    assert client.post(AREAS_URL).status_code == 405


# --- The demo's triage desk ----------------------------------------------------------------


def test_the_demo_triage_desk_signs_in_and_sends_a_report_to_its_ward(client, demo):
    report = _triage()  # no ward named, no point: at the city's desk
    signed_in = client.post("/accounts/login/", {"username": "triage.hue", "password": "demo12345"})
    assert signed_in.status_code == 302  # the demo password from seed_demo
    listing = client.get("/phan-anh/quan-ly/").content.decode()
    assert report.code in listing
    page = client.get(f"/phan-anh/quan-ly/{report.code}/").content.decode()
    assert 'name="unit"' in page
    response = client.post(f"/phan-anh/quan-ly/{report.code}/route/", {"unit": "19774"})
    assert response.status_code == 302
    report = Report.objects.get(pk=report.pk)
    assert (report.unit.code, report.routed_by) == ("19774", "desk")


@pytest.mark.parametrize("clerk", ["clerk.kimlong", "clerk.thuanhoa"])
def test_a_ward_clerk_does_not_see_the_triage_desks_queue(client, demo, clerk):
    report = _triage()
    assert report.unit == province()
    client.force_login(user(clerk))
    assert report.code not in client.get("/phan-anh/quan-ly/").content.decode()
    assert client.get(f"/phan-anh/quan-ly/{report.code}/").status_code == 404
    response = client.post(f"/phan-anh/quan-ly/{report.code}/route/", {"unit": "19774"})
    assert response.status_code == 404
    assert Report.objects.get(pk=report.pk).unit == province()


def test_the_demo_places_lie_inside_their_wards_boundaries():
    from feedback.demo import PLACES, _place

    for code in PLACES:
        for index in range(35):  # every point of the demo's spread
            latitude, longitude = map(float, _place(index, code))
            held = [
                a.code for a in routing.known_areas() if routing.contains(a, latitude, longitude)
            ]
            assert held == [code], (code, index, held)
