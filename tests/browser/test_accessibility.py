"""WCAG 2.2 AA on citizen pages: no serious or critical axe-core finding, light pages, no JS needed."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

PUBLIC_PAGES = [
    "/",
    "/?q=khai+sinh",
    "/thu-tuc/1.001193/?unit=19774",
    "/tra-cuu/",
    "/tra-cuu/?code=19774-000000-0000&phone=1234",
    "/accounts/login/",
]
PAGE_BUDGET_BYTES = 150 * 1024


def serious_findings(page) -> list[str]:
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"  # the checks really ran
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_citizen_pages_have_no_serious_accessibility_findings(
    live_server, demo_transactional, page, path
):
    page.goto(live_server.url + path)
    assert serious_findings(page) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_citizen_pages_weigh_under_150_kb_on_first_load(
    live_server, demo_transactional, browser, path
):
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("response", lambda response: sizes.append(len(response.body())))
    page.goto(live_server.url + path, wait_until="load")
    context.close()
    assert sum(sizes) < PAGE_BUDGET_BYTES, f"{path}: {sum(sizes)} bytes"


def test_the_finder_works_with_javascript_off(live_server, demo_transactional, browser):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("#q").fill("chung thuc ban sao")
    page.locator("#q").press("Enter")
    first = page.locator("ol.results li a").first
    expect(first).to_contain_text("Chứng thực bản sao")
    first.click()
    expect(page.locator("h1")).to_contain_text("Chứng thực bản sao")
    context.close()
