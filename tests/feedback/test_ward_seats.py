"""Issue 13 item 3, "ward seats marked": each ward's People's Committee seat is given as the
address its source gives (hue_units_supplement.csv, with that source), never as an invented map
point; a unit with no sourced address shows "unknown"."""

import importlib

import pytest
from django.apps import apps

from feedback import map_views
from procedures.models import Unit
from tests.feedback.conftest import new_report, user

AREAS_URL = "/phan-anh/ranh-gioi.json"
KIM_LONG_SEAT = "87 Phạm Thị Liên, phường Kim Long"


def _feature(client, code):
    data = client.get(AREAS_URL).json()
    return next(f for f in data["features"] if f["properties"]["code"] == code)


@pytest.mark.parametrize("who", [None, "clerk.thuanhoa", "citizen2"])
def test_the_boundaries_carry_kim_longs_seat_address_and_its_source(client, demo, who):
    if who:
        client.force_login(user(who))
    properties = _feature(client, "19774")["properties"]
    assert properties["seat"] == KIM_LONG_SEAT
    assert "sapnhap.bando.com.vn" in properties["seat_source"]
    assert properties["source"].startswith("lamngockhuong/vietnam-3d-map")  # boundary's own


def test_every_ward_on_the_map_has_its_seat_from_the_source_file(client, demo):
    data = client.get(AREAS_URL).json()
    seats = {f["properties"]["code"]: f["properties"]["seat"] for f in data["features"]}
    assert len(seats) == 40
    assert all(seats.values())  # the source gives all 40 an address


def test_a_unit_without_a_sourced_address_shows_unknown_not_a_guess(client, demo):
    Unit.objects.filter(code="19774").update(address="")
    Unit.objects.filter(code="19789").update(address_source="")  # an address with no source
    for code in ("19774", "19789"):
        properties = _feature(client, code)["properties"]
        assert (properties["seat"], properties["seat_source"]) == (None, None)
    report = new_report()  # in Kim Long
    follow = client.get(f"/phan-anh/{report.code}/").content.decode()
    assert 'Trụ sở Ủy ban nhân dân</dt><dd class="fb-seat">Chưa rõ' in follow
    listing = client.get("/phan-anh/ban-do/").content.decode()
    assert "Trụ sở: Chưa rõ" in listing


def test_the_report_page_and_the_map_list_give_the_wards_seat_with_its_source(client, demo):
    report = new_report()
    follow = client.get(f"/phan-anh/{report.code}/").content.decode()
    assert KIM_LONG_SEAT in follow
    assert "Nguồn: former codes: GSO catalogue export" in follow
    listing = client.get("/phan-anh/ban-do/").content.decode()
    assert f"Trụ sở: {KIM_LONG_SEAT}" in listing


def test_the_boundaries_with_their_seats_take_one_query(client, demo, django_assert_num_queries):
    client.get(AREAS_URL)
    map_views._areas_data.cache_clear()
    with django_assert_num_queries(1):
        assert client.get(AREAS_URL).status_code == 200


def test_the_seed_keeps_the_seat_addresss_own_source(demo):
    kim_long = Unit.objects.get(code="19774")
    assert kim_long.address == KIM_LONG_SEAT
    assert kim_long.address_source.startswith("former codes: GSO catalogue export 2025-07-18")
    assert "sapnhap.bando.com.vn scrape 2025-07-17" in kim_long.address_source
    province = Unit.objects.get(code="46")
    assert (province.address, province.address_source) == ("", "")


def test_the_migration_fills_the_source_and_leaves_a_changed_address_alone(demo):
    migration = importlib.import_module("procedures.migrations.0008_unit_address_source")
    Unit.objects.filter(code="19774").update(address="", address_source="")
    Unit.objects.filter(code="19789").update(address="Somewhere else", address_source="")
    migration.backfill(apps, None)
    kim_long = Unit.objects.get(code="19774")
    assert kim_long.address == KIM_LONG_SEAT
    assert "sapnhap.bando.com.vn" in kim_long.address_source
    thuan_hoa = Unit.objects.get(code="19789")
    assert (thuan_hoa.address, thuan_hoa.address_source) == ("Somewhere else", "")
