import re

from playwright.sync_api import expect


def test_resident_searches_without_accents_opens_a_procedure_and_switches_to_english(
    live_server, demo_transactional, page
):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("Bạn cần làm thủ tục gì?")
    page.get_by_label("Tìm theo tên hoặc mã, có dấu hay không dấu").fill("khai sinh")
    page.get_by_role("button", name="Tìm").click()

    first = page.locator("ol.results li a").first
    expect(first).to_have_text("Đăng ký khai sinh")
    first.click()

    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.001193/$"))
    expect(page.locator("h1")).to_have_text("Đăng ký khai sinh")
    expect(page.get_by_text("Phường, xã nơi bạn ở quyết định", exact=False)).to_be_visible()
    page.get_by_label("Phường, xã của bạn").select_option("19774")
    page.get_by_role("button", name="Xem địa chỉ").click()
    expect(page.get_by_text("87 Phạm Thị Liên, phường Kim Long")).to_be_visible()

    # On a phone the language switch is in the collapsed menu: open it, as a resident would.
    page.locator("#site-menu > summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Birth registration")
    expect(page.get_by_role("heading", name="What to bring")).to_be_visible()


def test_a_city_procedure_says_it_is_decided_by_a_department(live_server, demo_transactional, page):
    page.goto(live_server.url + "/?q=tach+thua")
    page.locator("ol.results li a").first.click()
    expect(page.get_by_text("Sở ban ngành thành phố quyết định", exact=False)).to_be_visible()
