"""An official steers by the overview (issue 12): ranks the wards, follows Kim Long's overdue
figure to its dossiers and downloads them as XLSX with the same rows; without JavaScript the
tables and sorting work the same."""

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from procedures.models import Procedure, Unit
from tests.dashboard.conftest import KIM_LONG, THUAN_HOA, make_dossier, vn

MARCH = "?period=custom&from=01%2F03%2F2026&to=31%2F03%2F2026"


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo12345")
    page.locator("main form button[type=submit]").click()


def _march():
    procedure = Procedure.objects.filter(current_version__isnull=False).order_by("code").first()
    kim_long, thuan_hoa = Unit.objects.get(code=KIM_LONG), Unit.objects.get(code=THUAN_HOA)
    for day in (2, 3, 4):  # three overdue in Kim Long
        make_dossier(unit=kim_long, procedure=procedure, state="in_review",
                     received_at=vn(2026, 3, day), due_at=vn(2026, 3, day + 5))  # fmt: skip
    make_dossier(unit=thuan_hoa, procedure=procedure, state="resolved",
                 received_at=vn(2026, 3, 2), due_at=vn(2026, 3, 9),
                 resolved_at=vn(2026, 3, 5))  # fmt: skip


def test_the_official_ranks_wards_follows_kim_longs_overdue_figure_and_exports_it(
    live_server, demo_transactional, browser
):
    _march()
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server.url, "official.hue")
    page.goto(live_server.url + "/dashboard/overview/" + MARCH)
    page.locator("#group-table thead a", has_text="Tỷ lệ đúng hạn").click()
    first = page.locator("#group-table tbody tr").first
    expect(first).to_have_attribute("data-unit", THUAN_HOA)  # 100 % on time ranks first
    page.locator(f"#group-table tr[data-unit='{KIM_LONG}'] a.overdue-link").click()
    expect(page.locator("#row-count")).to_have_attribute("data-count", "3")
    assert page.locator("#rows tbody tr").count() == 3
    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    shown = page.locator("#rows tbody tr td:first-child").all_inner_texts()
    assert sorted(row[0] for row in rows[1:]) == sorted(shown)
    context.close()


def test_without_javascript_the_tables_sort_and_link_the_same(
    live_server, demo_transactional, browser
):
    _march()
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "official.hue")
    page.goto(live_server.url + "/dashboard/overview/" + MARCH)
    page.locator("#group-table thead a", has_text="Quá hạn").click()
    expect(page.locator("#group-table tbody tr").first).to_have_attribute("data-unit", KIM_LONG)
    expect(page.locator("#trend-table")).to_be_visible()  # the charts' table
    page.locator(f"#group-table tr[data-unit='{KIM_LONG}'] a.overdue-link").click()
    expect(page.locator("#row-count")).to_have_attribute("data-count", "3")
    context.close()
