"""The ward comparison and the II.06a page on a 390 px phone and with JavaScript off (issue 12):
the page does not scroll sideways, the chart scrolls inside its own box, axe finds nothing
serious, and without JavaScript the chart, its table and the form are all there."""

from playwright.sync_api import expect

from tests.browser.test_accessibility import serious_findings
from tests.browser.test_dashboard import MARCH, _march, sign_in
from tests.browser.test_phone_layout import overflow
from tests.dashboard.conftest import KIM_LONG


def test_the_ward_chart_and_the_period_report_fit_a_phone_and_work_without_javascript(
    live_server, demo_transactional, browser
):
    _march()
    report = f"/dashboard/period-report/{MARCH}&unit={KIM_LONG}"
    # A 390 px phone: nothing wider than the screen but the boxes that scroll by themselves.
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server.url, "official.hue")
    page.goto(live_server.url + "/dashboard/overview/" + MARCH)
    chart = page.locator(".ward-chart .scroll")
    assert chart.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls inside itself
    assert overflow(page) == ""
    assert serious_findings(page) == []
    page.goto(live_server.url + report)
    expect(page.locator("[data-reporter]")).to_have_text("Ủy ban nhân dân Phường Kim Long")
    assert overflow(page) == ""
    assert serious_findings(page) == []
    context.close()
    # JavaScript off: the same chart, its table and the form, all drawn by the server.
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server.url, "official.hue")
    page.goto(live_server.url + "/dashboard/overview/" + MARCH)
    expect(page.locator("#ward-table tbody tr").first).to_have_attribute("data-unit", "19789")
    expect(page.locator(f".ward-chart g[data-unit='{KIM_LONG}']")).to_have_count(1)
    page.goto(live_server.url + report)
    expect(page.locator("#ii06a-table")).to_be_visible()
    context.close()
