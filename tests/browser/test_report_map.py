"""Issue 13, a real map: Leaflet and its clusters load from the portal's own static files (no
CDN, no tile from the network), and a tap on the report form's map places the point."""

from decimal import Decimal

from playwright.sync_api import expect

from feedback import routing
from feedback.models import Report
from tests.browser.test_phone_layout import overflow
from tests.feedback.conftest import new_report

PHONE = {"width": 390, "height": 844}


def requests_of(page):
    """Every address the page asks for, as it asks."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_the_map_loads_from_static_and_clusters_the_reports(
    live_server, demo_transactional, browser
):
    # Five reports a few metres apart make one cluster; one across the river stands apart.
    for i in range(5):
        new_report(latitude=Decimal("16.458500") + Decimal(i) / 100000)
    far = new_report(unit="19789", latitude=Decimal("16.600000"), longitude=Decimal("107.700000"))
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    requests = requests_of(page)
    page.goto(live_server.url + "/phan-anh/ban-do/", wait_until="networkidle")
    expect(page.locator("#fb-map[data-ready='6']")).to_have_count(1)
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    clusters = page.locator(".marker-cluster")
    expect(clusters.first).to_be_visible()
    assert "5" in clusters.all_inner_texts()
    expect(page.locator(f".fb-marker[title^='{far.code}']")).to_have_count(1)
    assert [u for u in requests if not u.startswith(live_server.url)] == []
    assert any(u.endswith("/static/vendor/leaflet/leaflet.js") for u in requests)
    assert any(u.endswith("/static/img/blank-tile.png") for u in requests)
    assert overflow(page) == ""
    # A tap on the cluster opens it up into its reports.
    clusters.filter(has_text="5").first.click()
    expect(page.locator(".fb-marker-open")).to_have_count(6, timeout=5000)
    context.close()


def test_the_ward_boundaries_are_a_layer_loaded_only_when_asked_with_their_source(
    live_server, demo_transactional, browser
):
    new_report()
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    requests = requests_of(page)
    page.goto(live_server.url + "/phan-anh/ban-do/", wait_until="networkidle")
    expect(page.locator("#fb-map[data-ready='1']")).to_have_count(1)
    assert not any("/ranh-gioi.json" in u for u in requests)  # not on the first load
    box = page.locator("#fb-areas")
    expect(box).to_be_visible()
    assert overflow(page) == ""
    page.locator("label:has(#fb-areas)").click()
    expect(page.locator("#fb-map[data-areas='40']")).to_have_count(1)
    expect(page.locator("#fb-map path.leaflet-interactive")).to_have_count(40)
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(
        "lamngockhuong/vietnam-3d-map (MIT), gis.vn"
    )
    assert sum("/ranh-gioi.json" in u for u in requests) == 1
    # Off and on again: no second download.
    page.locator("label:has(#fb-areas)").click()
    expect(page.locator("#fb-map path.leaflet-interactive")).to_have_count(0)
    page.locator("label:has(#fb-areas)").click()
    expect(page.locator("#fb-map path.leaflet-interactive")).to_have_count(40)
    assert sum("/ranh-gioi.json" in u for u in requests) == 1
    assert [u for u in requests if not u.startswith(live_server.url)] == []
    context.close()


def test_a_tap_inside_kim_long_on_the_boundary_layer_shows_its_seat_address(
    live_server, demo_transactional, browser
):
    # No report: the map shows the whole city, Kim Long in it.
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/phan-anh/ban-do/", wait_until="networkidle")
    expect(page.locator("#fb-map[data-ready='0']")).to_have_count(1)
    page.locator("label:has(#fb-areas)").click()
    expect(page.locator("#fb-map path.fb-area")).to_have_count(40)
    page.locator("#fb-map").scroll_into_view_if_needed()
    # A point of the screen where Kim Long's own polygon is the topmost thing (not a marker,
    # not a neighbour's border).
    point = page.evaluate(
        """() => {
          const box = document.querySelector("path.fb-area-19774").getBoundingClientRect();
          for (let y = box.top + 4; y < box.bottom; y += 6) {
            for (let x = box.left + 4; x < box.right; x += 6) {
              const hit = document.elementFromPoint(x, y);
              if (hit && hit.classList.contains("fb-area-19774")) return [x, y];
            }
          }
          return null;
        }"""
    )
    assert point is not None
    page.mouse.click(point[0], point[1])
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Kim Long")
    expect(popup).to_contain_text("Trụ sở: 87 Phạm Thị Liên, phường Kim Long")
    expect(popup).to_contain_text("Nguồn: ")
    expect(popup).to_contain_text("sapnhap.bando.com.vn")
    assert overflow(page) == ""
    context.close()


def reach_the_map(page):
    """Scroll to "Where is it?": the form fetches Leaflet only as that part nears the screen."""
    page.locator("#id_address").scroll_into_view_if_needed()
    expect(page.locator("#fb-pick[data-ready='1']")).to_be_visible()


def test_a_tap_on_the_form_map_places_the_point_and_the_report_keeps_it(
    live_server, demo_transactional, browser
):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    requests = requests_of(page)
    page.goto(live_server.url + "/phan-anh/", wait_until="networkidle")
    # The form's first screen does not pull in Leaflet; it comes as the map nears the screen.
    assert not any("/vendor/leaflet" in u for u in requests)
    expect(page.locator("#fb-pick")).to_be_hidden()
    reach_the_map(page)
    assert any(u.endswith("/static/vendor/leaflet/leaflet.js") for u in requests)
    assert not any("markercluster" in u.lower() for u in requests)  # no clusters on the form
    assert overflow(page) == ""
    page.locator("#id_latitude").scroll_into_view_if_needed()
    map_box = page.locator("#fb-pick-map")
    map_box.scroll_into_view_if_needed()
    map_box.click(position={"x": 150, "y": 160})
    expect(page.locator("#fb-pick-map .leaflet-marker-icon")).to_have_count(1)
    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    assert 15.95 <= latitude <= 16.8
    assert 107.0 <= longitude <= 108.25
    expect(page.locator("#fb-map-status")).not_to_be_empty()
    page.locator("label[for=id_category_4]").click()  # roads
    page.locator("#id_description").fill("Đèn đường hỏng cả tuần")
    page.locator("form.wide button[type=submit]").last.click()
    page.wait_for_url("**/da-gui/")
    report = Report.objects.get()
    assert float(report.latitude) == latitude
    assert float(report.longitude) == longitude
    # No ward chosen: the point picks the ward whose boundary holds it, else the triage desk.
    assert (report.unit, report.routed_by) == routing.route(
        unit=None, latitude=latitude, longitude=longitude
    )
    context.close()


def test_use_my_location_fills_the_point_or_says_what_to_do_when_refused(
    live_server, demo_transactional, browser
):
    allowed = browser.new_context(
        viewport=PHONE,
        locale="vi-VN",
        geolocation={"latitude": 16.4637, "longitude": 107.5909},
        permissions=["geolocation"],
    )
    page = allowed.new_page()
    page.goto(live_server.url + "/phan-anh/", wait_until="networkidle")
    reach_the_map(page)
    page.locator("#fb-locate").click()
    expect(page.locator("#id_latitude")).to_have_value("16.463700")
    expect(page.locator("#id_longitude")).to_have_value("107.590900")
    allowed.close()

    refused = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = refused.new_page()
    page.goto(live_server.url + "/phan-anh/", wait_until="networkidle")
    reach_the_map(page)
    page.locator("#fb-locate").click()
    expect(page.locator("#fb-map-status")).to_contain_text("địa chỉ")
    expect(page.locator("#id_address")).to_be_focused()
    assert page.locator("#id_latitude").input_value() == ""
    refused.close()


def test_a_point_near_an_open_report_of_the_same_kind_offers_to_follow_it(
    live_server, demo_transactional, browser
):
    existing = new_report(category="roads")  # 16.4585, 107.5520
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/phan-anh/", wait_until="networkidle")
    page.locator("label[for=id_category_4]").click()  # roads
    reach_the_map(page)
    page.locator("#id_latitude").fill("16.458600")
    page.locator("#id_longitude").fill("107.552100")
    page.locator("#id_longitude").dispatch_event("change")
    live = page.locator("#fb-nearby-live")
    expect(live).to_be_visible()
    expect(live).to_contain_text(existing.code)
    expect(live.locator(f"a[href='/phan-anh/{existing.code}/']")).to_have_count(1)
    assert overflow(page) == ""
    context.close()
