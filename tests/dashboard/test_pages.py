"""The officials' pages of issue 12: every figure opens exactly its rows, every table and list
downloads with the same rows, and nobody but officials (the city) and leaders (their unit)
gets in."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from portal.dashboard import stats
from portal.dashboard.figures import FIGURES, compute
from portal.dashboard.filters import parse_filters
from tests.dashboard.conftest import KIM_LONG, THUAN_HOA, make_dossier, vn
from tests.factories.reports import ReportFactory

MARCH = {"period": "custom", "from": "01/03/2026", "to": "31/03/2026"}


@pytest.fixture
def march(wards, procedure):
    """Kim Long: carried over from February (one of them overdue), received, finished early
    and late, waiting for documents, waiting at the desk, refused, inherited; Thuận Hóa: two
    open, one overdue; three neighbourhood reports."""
    kim_long, thuan_hoa = wards
    make = make_dossier
    make(
        unit=kim_long,
        procedure=procedure,
        state="in_review",
        received_at=vn(2026, 2, 20),
        due_at=vn(2026, 2, 27),
    )  # carried over, overdue
    make(
        unit=kim_long,
        procedure=procedure,
        state="received",
        received_at=vn(2026, 2, 26),
        due_at=vn(2026, 4, 20),
        is_transferred=True,
    )  # carried over, inherited
    make(
        unit=kim_long,
        procedure=procedure,
        state="returned",
        channel="online",
        received_at=vn(2026, 3, 2),
        due_at=vn(2026, 3, 9),
        resolved_at=vn(2026, 3, 4),
        closed_at=vn(2026, 3, 5),
        rating=5,
    )  # early
    make(
        unit=kim_long,
        procedure=procedure,
        state="resolved",
        received_at=vn(2026, 3, 3),
        due_at=vn(2026, 3, 6),
        resolved_at=vn(2026, 3, 10),
        rating=2,
    )  # late
    make(
        unit=kim_long,
        procedure=procedure,
        state="awaiting_supplement",
        channel="post",
        received_at=vn(2026, 3, 12),
        due_at=vn(2026, 3, 20),
        clock_stopped_at=vn(2026, 3, 13),
    )
    make(
        unit=kim_long,
        procedure=procedure,
        state="submitted",
        channel="online",
        submitted_at=vn(2026, 3, 30),
    )
    make(
        unit=kim_long,
        procedure=procedure,
        state="refused",
        channel="online",
        submitted_at=vn(2026, 3, 16),
        closed_at=vn(2026, 3, 16, 15),
    )
    make(
        unit=thuan_hoa,
        procedure=procedure,
        state="in_review",
        received_at=vn(2026, 3, 2),
        due_at=vn(2026, 3, 9),
    )  # overdue
    make(
        unit=thuan_hoa,
        procedure=procedure,
        state="received",
        received_at=vn(2026, 3, 25),
        due_at=vn(2026, 4, 9),
    )
    ReportFactory(unit=kim_long, at=vn(2026, 3, 10, 9))
    ReportFactory(unit=kim_long, resolved=True, at=vn(2026, 3, 11, 9))
    ReportFactory(unit=thuan_hoa, at=vn(2026, 3, 12, 9))  # fmt: skip


def as_user(username):
    client = Client()
    if username:
        from portal.accounts.models import User

        client.force_login(User.objects.get(username=username))
    return client


def expected(username="official.hue", **params):
    from portal.accounts.models import User

    filters = parse_filters({**MARCH, **params})
    frame = stats.frame_for(user=User.objects.get(username=username), filters=filters)
    return compute(frame)


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_march_backlog_counts_carried_over_dossiers_judged_at_the_months_end(march):
    values = expected(unit=KIM_LONG)
    assert values["carried_over"] == 2
    # Both February dossiers, the one waiting for documents: open on 31 March.
    assert values["in_progress"] == 3
    # February's; the clock of the one waiting for documents stopped before its due moment.
    assert values["overdue"] == 1
    assert values["waiting_citizen"] == 1
    assert values["waiting_desk"] == 1
    assert values["refused"] == 1
    assert values["inherited"] == 1
    assert (values["finished_early"], values["finished_late"]) == (1, 1)
    assert values["on_time_rate"] == 50
    assert values["received_post"] == 1


@pytest.mark.parametrize("key", list(FIGURES))
def test_each_figure_opens_a_list_of_exactly_its_rows_and_downloads_them(march, people, key):
    values = expected()
    figure = FIGURES[key]
    # A rate lists its numerator's rows; an average the rows it averages (counted beside it).
    listed = figure.numerator if figure.kind != "count" else key
    client = as_user("official.hue")
    response = client.get(reverse("dashboard:dossiers"), {**MARCH, "figure": key})
    assert response.status_code == 200
    assert response.context["count"] == values[listed]
    assert len(response.context["rows"]) == min(values[listed], 50)
    download = client.get(reverse("dashboard:dossiers"), {**MARCH, "figure": key, "format": "csv"})
    assert len(csv_rows(download)) == values[listed] + 1
    overview = client.get(reverse("dashboard:overview"), MARCH).content.decode()
    assert f"figure={key}" in overview or values[key] is None


def test_the_overview_sorts_wards_on_the_server_and_its_table_exports_as_xlsx(march, people):
    client = as_user("official.hue")
    page = client.get(
        reverse("dashboard:overview"), {**MARCH, "sort": "in_progress", "dir": "desc"}
    )
    groups = page.context["groups"]
    opened = [row["in_progress"] for row in groups]
    assert opened == sorted(opened, reverse=True)
    assert groups[0]["code"] == KIM_LONG
    assert 'aria-sort="descending"' in page.content.decode()
    xlsx = client.get(
        reverse("dashboard:overview"),
        {**MARCH, "sort": "in_progress", "dir": "desc", "table": "groups", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã", "Đơn vị")
    assert [row[0] for row in rows[1:]] == [row["code"] for row in groups]


def test_dates_are_read_and_written_dd_mm_yyyy_and_bad_ones_are_explained(march, people):
    client = as_user("official.hue")
    listing = client.get(
        reverse("dashboard:dossiers"),
        {**MARCH, "unit": KIM_LONG, "figure": "finished", "format": "csv"},
    )
    rows = csv_rows(listing)
    assert rows[0][0] == "Mã hồ sơ"
    assert {row[5][:10] for row in rows[1:]} == {"02/03/2026", "03/03/2026"}
    for params in ({"period": "custom", "from": "31/02/2026"}, {"period": "decade"},
                   {**MARCH, "channel": "pigeon"}, {**MARCH, "format": "pdf"}):  # fmt: skip
        assert client.get(reverse("dashboard:overview"), params).status_code == 400


def test_the_api_exports_the_same_rows_as_its_json(march, people):
    from rest_framework.test import APIClient

    from portal.accounts.models import User

    api = APIClient()
    api.force_authenticate(User.objects.get(username="official.hue"))
    params = {"from": "2026-03-01", "to": "2026-03-31", "group_by": "unit"}
    rows = api.get("/api/v1/stats/", params).json()
    found = csv_rows(api.get("/api/v1/stats/", {**params, "format": "csv"}))
    assert [row[0] for row in found[1:]] == [row["code"] for row in rows]
    xlsx = api.get("/api/v1/stats/", {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == len(rows) + 1
    listed = api.get("/api/v1/dossiers/", {"unit": KIM_LONG}).json()
    exported = csv_rows(api.get("/api/v1/dossiers/", {"unit": KIM_LONG, "format": "csv"}))
    assert len(exported) - 1 == listed["count"]
    assert api.get("/api/v1/stats/", {**params, "unit": "nowhere", "format": "csv"}).json()


PAGES = [
    "/dashboard/overview/",
    f"/dashboard/unit/?unit={KIM_LONG}",
    "/dashboard/dossiers/?figure=overdue",
    "/dashboard/overview/?format=xlsx",
    "/dashboard/dossiers/?figure=received&format=csv",
]


@pytest.mark.parametrize("url", PAGES)
def test_only_officials_and_leaders_may_open_the_pages_and_exports(march, people, url):
    assert as_user(None).get(url).status_code == 302  # to the sign-in page
    for username in ("clerk.kimlong", "specialist.kimlong", "citizen"):
        assert as_user(username).get(url).status_code == 403, username
    assert as_user("official.hue").get(url).status_code == 200
    assert as_user("leader.kimlong").get(url).status_code == 200
    # Another ward's leader: Kim Long's page and Kim Long's rows are not theirs.
    other = as_user("leader.thuanhoa")
    sep = "&" if "?" in url else "?"
    assert other.get(f"{url}{sep}unit={KIM_LONG}").status_code == 404
    assert other.get(f"/dashboard/unit/?unit={KIM_LONG}").status_code == 404


def test_a_leaders_pages_count_only_their_unit(march, people):
    page = as_user("leader.kimlong").get(reverse("dashboard:overview"), MARCH)
    assert [row["code"] for row in page.context["groups"]] == [KIM_LONG]
    listing = as_user("leader.thuanhoa").get(
        reverse("dashboard:dossiers"), {**MARCH, "figure": "overdue"}
    )
    assert listing.context["count"] == 1
    assert THUAN_HOA in listing.content.decode()


def test_the_766_index_scores_what_motcua_holds_and_says_which_items_it_cannot(march, people):
    from rest_framework.test import APIClient

    from portal.accounts.models import User

    api = APIClient()
    api.force_authenticate(User.objects.get(username="leader.kimlong"))
    params = {"from": "2026-03-01", "to": "2026-03-31"}  # in the answer by default
    index = api.get("/api/v1/stats/", params).json()["index_766"]
    assert index["max"] == 100
    groups = {group["key"]: group for group in index["groups"]}
    assert list(groups) == ["publicity", "progress", "online", "payment", "digitisation",
                            "satisfaction"]  # fmt: skip
    assert sum(group["max"] for group in groups.values()) == 100
    for group in groups.values():
        assert sum(item["max"] for item in group["items"]) == group["max"]
        for item in group["items"]:
            if item["value"] is None:
                assert item["points"] is None
                assert "not scored" in item["formula"]
    # Kim Long: received 3 in March + 2 carried over; finished early 1, open within time 2
    # (the inherited one, and the one whose clock stopped for documents before it was due).
    progress = groups["progress"]["items"][0]
    assert progress["value"] == 60.0
    assert progress["points"] == 12.0
    scored = [i["points"] for g in groups.values() for i in g["items"] if i["points"] is not None]
    assert index["total"] == round(sum(scored), 2)
    assert "index_766" not in api.get("/api/v1/stats/", {**params, "index_766": "false"}).json()


def test_the_period_report_ii06a_gives_each_field_and_the_total_as_json_csv_and_xlsx(march, people):
    from rest_framework.test import APIClient

    from portal.accounts.models import User

    api = APIClient()
    api.force_authenticate(User.objects.get(username="leader.kimlong"))
    params = {"from": "2026-03-01", "to": "2026-03-31"}
    report = api.get("/api/v1/stats/period-report/", params).json()
    assert report["from"] == "2026-03-01"
    total = report["total"]
    assert (total["received"], total["carried_over"]) == (3, 2)
    assert (total["finished_early"], total["finished_late"]) == (1, 1)
    assert (total["in_progress_on_time"], total["in_progress_late"]) == (2, 1)
    for column, value in total.items():
        assert sum(row[column] for row in report["rows"]) == value
    found = csv_rows(api.get("/api/v1/stats/period-report/", {**params, "format": "csv"}))
    assert len(found) == len(report["rows"]) + 2  # headers, fields, total
    assert found[-1][2] == "3"
    other = APIClient()
    other.force_authenticate(User.objects.get(username="leader.thuanhoa"))
    url = "/api/v1/stats/period-report/"
    assert other.get(url, {**params, "unit": KIM_LONG}).status_code == 404
    for username in ("clerk.kimlong", "citizen"):
        other.force_authenticate(User.objects.get(username=username))
        assert other.get(url, params).status_code == 403
    assert APIClient().get(url, params).status_code in (401, 403)
