"""The ward comparison and the II.06a page on a 390 px phone, with JavaScript off (issue 12): the
page does not scroll sideways, the chart and the form scroll inside their own boxes, the tables
are there, and axe finds nothing serious."""

from playwright.sync_api import expect

from tests.browser.test_accessibility import serious_findings
from tests.browser.test_dashboard import MARCH, _march, sign_in
from tests.browser.test_phone_layout import overflow
from tests.dashboard.conftest import KIM_LONG


def test_the_ward_chart_and_the_period_report_fit_a_phone_without_javascript(
    live_server, demo_transactional, browser
):
    _march()
    context = browser.new_context(
        locale="vi-VN", java_script_enabled=False, viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    sign_in(page, live_server.url, "official.hue")
    page.goto(live_server.url + "/dashboard/overview/" + MARCH)
    expect(page.locator("#ward-table tbody tr").first).to_have_attribute("data-unit", "19789")
    chart = page.locator(".ward-chart .scroll")
    assert chart.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls inside itself
    assert overflow(page) == ""
    assert serious_findings(page) == []
    page.goto(live_server.url + "/dashboard/period-report/" + MARCH + f"&unit={KIM_LONG}")
    expect(page.locator("#ii06a-table")).to_be_visible()
    expect(page.locator("[data-reporter]")).to_have_text("Ủy ban nhân dân Phường Kim Long")
    assert overflow(page) == ""
    assert serious_findings(page) == []
    context.close()
