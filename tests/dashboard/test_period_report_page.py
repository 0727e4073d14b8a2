"""Form II.06a as a page to print and as a PDF (issue 12, item 5): the national form's columns,
a line per field and the total, the same numbers as `GET /api/v1/stats/period-report/`, the
signature block with the unit and the date, and only officials (the city) and leaders (their
unit) get it."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from portal.accounts.models import User
from portal.core.time import VN_TZ
from portal.dashboard.period_report_page import form_row, period_name
from tests.dashboard.conftest import KIM_LONG
from tests.dashboard.test_pages import MARCH, as_user, march  # noqa: F401  (a fixture)

URL = reverse("dashboard:period_report")


def api_report(username, **params):
    api = APIClient()
    api.force_authenticate(User.objects.get(username=username))
    query = {"from": "2026-03-01", "to": "2026-03-31", **params}
    return api.get("/api/v1/stats/period-report/", query).json()


def today() -> str:
    return f"{timezone.localdate(timezone.now(), VN_TZ):%d/%m/%Y}"


@pytest.mark.usefixtures("march")
def test_the_page_lays_out_kim_longs_march_as_the_national_form(people):
    page = as_user("leader.kimlong").get(URL, {**MARCH, "unit": KIM_LONG})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Biểu số II.06a/VPCP/KSTT" in html
    assert "Kỳ báo cáo: Tháng 03/2026" in html
    assert "từ ngày 01/03/2026 đến ngày 31/03/2026" in html
    assert "Ủy ban nhân dân Phường Kim Long" in html  # who reports
    assert "Ủy ban nhân dân Thành phố Huế" in html  # to whom: the unit above
    assert "Trực tiếp, dịch vụ bưu chính" in html
    assert "Từ kỳ trước chuyển sang" in html
    assert "(13)" in html
    assert "THỦ TRƯỞNG ĐƠN VỊ" in html
    assert f"Kim Long, ngày {today()}" in html
    # Received 3 + carried over 2; online 1, desk and post 2; finished early 1 and late 1;
    # open at the end of March: 2 within time, 1 overdue.
    assert page.context["total"] == [5, 1, 2, 2, 2, 1, 0, 1, 3, 2, 1]
    api = api_report("leader.kimlong", unit=KIM_LONG)
    assert page.context["total"] == form_row(api["total"])
    assert [row["cells"] for row in page.context["rows"]] == [form_row(row) for row in api["rows"]]
    assert (
        'href="/dashboard/period-report/'
        in as_user("leader.kimlong").get(reverse("dashboard:index")).content.decode()
    )


@pytest.mark.usefixtures("march")
def test_each_line_adds_up_as_the_form_says(people):
    page = as_user("official.hue").get(URL, MARCH)
    for cells in [row["cells"] for row in page.context["rows"]] + [page.context["total"]]:
        assert cells[0] == cells[1] + cells[2] + cells[3]  # (3) = (4) + (5) + (6)
        assert cells[4] == cells[5] + cells[6] + cells[7]  # (7) = (8) + (9) + (10)
        assert cells[8] == cells[9] + cells[10]  # (11) = (12) + (13)
    columns = zip(*[row["cells"] for row in page.context["rows"]], strict=True)
    assert [sum(column) for column in columns] == page.context["total"]
    # The whole city reports as the city; nobody above it in MotCua: a line for the hand.
    assert page.context["reporter"] == "Ủy ban nhân dân Thành phố Huế"
    assert page.context["receiver"] == ""


@pytest.mark.usefixtures("march")
def test_the_pdf_is_a_real_a4_landscape_pdf_with_the_same_numbers(people):
    response = as_user("official.hue").get(URL, {**MARCH, "unit": KIM_LONG, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "bao-cao-ii06a-19774-20260301-20260331.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height  # landscape
    assert round(float(first.mediabox.width)) == 842  # A4: 297 mm
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "II.06a/VPCP/KSTT" in text
    for words in ("Tháng 03/2026", "01/03/2026", "31/03/2026", "Phường Kim Long", today()):
        assert words in text
    assert "Tổng cộng" in text


@pytest.mark.usefixtures("march")
def test_an_empty_period_prints_an_empty_form_with_zero_totals(people):
    page = as_user("official.hue").get(
        URL, {"period": "custom", "from": "01/01/2025", "to": "31/01/2025"}
    )
    assert page.status_code == 200
    assert page.context["rows"] == []
    assert page.context["total"] == [0] * 11
    assert "Không có hồ sơ trong kỳ." in page.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"format": "doc"},
        {"period": "custom", "from": "31/02/2026"},
        {"period": "decade"},
        {**MARCH, "unit": "nowhere"},
        {**MARCH, "field": "nowhere"},
    ],
)
@pytest.mark.usefixtures("march")
def test_bad_input_is_a_clear_400_not_a_500(people, params):
    response = as_user("official.hue").get(URL, params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode() or "error" in response.context


@pytest.mark.usefixtures("march")
def test_only_officials_and_leaders_get_the_report_and_a_leader_only_their_unit(people):
    for fmt in ("", "pdf"):
        params = {**MARCH, "format": fmt}
        assert as_user(None).get(URL, params).status_code == 302  # to the sign-in page
        for username in ("citizen", "clerk.kimlong", "specialist.kimlong", "clerk.thuanhoa"):
            assert as_user(username).get(URL, params).status_code == 403, username
        other = as_user("leader.thuanhoa")
        assert other.get(URL, {**params, "unit": KIM_LONG}).status_code == 404
    own = as_user("leader.thuanhoa").get(URL, MARCH)
    assert own.context["reporter"] == "Ủy ban nhân dân Phường Thuận Hóa"
    assert own.context["total"][0] == 2  # Thuận Hóa's two, none of Kim Long's
    assert as_user("official.hue").get(URL, {**MARCH, "unit": KIM_LONG}).status_code == 200


@pytest.mark.parametrize(
    ("first", "last", "name"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), "Month 03/2026"),
        (date(2026, 10, 1), date(2026, 12, 31), "Quarter IV/2026"),
        (date(2026, 1, 1), date(2026, 6, 30), "First half of 2026"),
        (date(2026, 7, 1), date(2026, 12, 31), "Second half of 2026"),
        (date(2026, 1, 1), date(2026, 12, 31), "Year 2026"),
        (date(2026, 3, 2), date(2026, 3, 31), "From 02/03/2026 to 31/03/2026"),
        (date(2026, 2, 1), date(2026, 4, 30), "From 01/02/2026 to 30/04/2026"),
    ],
)
def test_the_period_is_named_as_the_form_names_it(first, last, name):
    from django.utils import translation

    with translation.override("en"):
        assert period_name(first, last) == name
