"""The ward comparison on the city overview (issue 12): on-time rate and overdue per ward, drawn
on the server as SVG beside a table with the same figures, ranked best first; a leader's overview
compares only their own ward."""

import re

import pytest
from django.urls import reverse

from portal.dashboard import charts
from tests.dashboard.conftest import KIM_LONG, THUAN_HOA
from tests.dashboard.test_pages import MARCH, as_user, march  # noqa: F401  (a fixture)


@pytest.mark.usefixtures("march")
def test_the_overview_ranks_every_ward_by_on_time_rate_in_a_chart_and_a_table(people):
    page = as_user("official.hue").get(reverse("dashboard:overview"), MARCH)
    chart = page.context["ward_chart"]
    lines = chart["lines"]
    # Kim Long finished two (one early, one late): 50 %; nobody else finished anything.
    assert lines[0]["code"] == KIM_LONG
    assert lines[0]["on_time_rate"] == 50
    assert all(line["on_time_rate"] is None for line in lines[1:])
    assert len(lines) == len(page.context["groups"])  # every ward, silent ones too
    # Among the wards that finished nothing, those with overdue dossiers come after the others.
    thuan_hoa = next(line for line in lines if line["code"] == THUAN_HOA)
    assert thuan_hoa["overdue"] == 1
    assert thuan_hoa["rank"] == len(lines)
    assert lines[0]["rate_width"] == charts.RATE_WIDTH / 2
    html = page.content.decode()
    svg = re.search(r'<figure class="ward-chart">.*?</figure>', html, re.S).group(0)
    assert 'aria-hidden="true"' in svg
    # Vietnamese words, but SVG numbers with a dot (a "62,5" would break the drawing).
    assert "Tỷ lệ đúng hạn (%)" in svg
    assert not re.search(r'(x|y|width|height)="-?[0-9]+,[0-9]', svg)
    assert 'width="125.0"' in svg
    assert f'<g data-unit="{KIM_LONG}">' in svg
    assert "<script" not in html.split('id="wards"')[1].split('id="trend"')[0]
    table = html.split('id="ward-table"')[1].split("</table>")[0]
    codes = re.findall(r'<tr data-unit="(\d+)">', table)
    assert codes == [line["code"] for line in lines]
    assert f"unit={KIM_LONG}&amp;figure=overdue" in table


def test_the_chart_draws_a_ward_with_no_finished_dossier_as_unknown_not_zero():
    drawn = charts.wards(
        [
            {"code": "1", "name": "A", "on_time_rate": None, "overdue": 0},
            {"code": "2", "name": "B", "on_time_rate": 0, "overdue": 4},
            {"code": "3", "name": "C", "on_time_rate": 100, "overdue": 2},
        ]
    )
    assert [line["code"] for line in drawn["lines"]] == ["3", "2", "1"]
    assert [line["overdue_width"] for line in drawn["lines"]] == [75.0, 150.0, 0.0]
    assert drawn["lines"][2]["on_time_rate"] is None


@pytest.mark.usefixtures("march")
def test_a_leaders_overview_compares_only_their_ward(people):
    page = as_user("leader.thuanhoa").get(reverse("dashboard:overview"), MARCH)
    assert [line["code"] for line in page.context["ward_chart"]["lines"]] == [THUAN_HOA]
    assert KIM_LONG not in page.content.decode().split('id="wards"')[1].split('id="trend"')[0]
    ward_page = as_user("official.hue").get(reverse("dashboard:unit"), {**MARCH, "unit": KIM_LONG})
    assert ward_page.context["ward_chart"] is None  # a ward's own page has no comparison
