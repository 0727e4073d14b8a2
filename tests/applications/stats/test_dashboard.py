"""Officials' statistics: the /dashboard/ page (the March 2026 cohort: see conftest.py)."""

import re
from datetime import date

from freezegun import freeze_time

from tests.applications.stats.conftest import KIM_LONG, MARCH, NOW, THUAN_HOA, user

# --- Dashboard --------------------------------------------------------------------------------


def dashboard(client, username, lang="vi", **params):
    if username:
        client.force_login(user(username))
    with freeze_time(NOW):
        client.cookies["motcua_language"] = lang
        return client.get("/dashboard/", params)


def row(html, code):
    match = re.search(rf'<tr data-unit="{code}">(.*?)</tr>', html, re.S)
    assert match, code
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    ]


def test_the_dashboard_shows_kim_longs_row_with_vietnamese_numbers(client, march):
    response = dashboard(client, "official.hue", **MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert row(html, KIM_LONG) == [
        "Phường Kim Long", "6", "33,3%", "3", "66,7%", "2", "1", "10,0", "4,00"
    ]  # fmt: skip
    none = "\u2013"  # the dash shown where there is no figure
    assert row(html, "19777")[1:] == ["0", none, "0", none, "0", "0", none, none]
    # Headline figures for the whole city: online 28,6 %, on time 75,0 %, progress 11,4 / 20.
    assert "28,6%" in html
    assert "75,0%" in html
    assert "11,4<small>/20</small>" in html
    assert "civil-status-registration" in html
    assert march["overdue"].code in html
    assert march["on_track"].code not in html


def test_the_ward_table_sorts_by_the_column_links(client, march):
    html = dashboard(client, "official.hue", sort="received", dir="desc", **MARCH).content.decode()
    codes = re.findall(r'<tr data-unit="(\d+)">', html)
    assert codes[:2] == [KIM_LONG, THUAN_HOA]
    assert "sort=received&amp;dir=asc" in html
    html = dashboard(client, "official.hue", sort="avg_rating", **MARCH).content.decode()
    # Only Kim Long has a rating; wards without one go last.
    assert re.findall(r'<tr data-unit="(\d+)">', html)[0] == KIM_LONG
    html = dashboard(client, "official.hue", sort="received", dir="asc", **MARCH).content.decode()
    assert re.findall(r'<tr data-unit="(\d+)">', html)[-1] == KIM_LONG


def test_the_dashboard_follows_the_same_access_rules(client, march):
    response = dashboard(client, None)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "next=" in response["Location"]
    for username in ("citizen", "clerk.kimlong"):
        assert dashboard(client, username).status_code == 403
    html = dashboard(client, "leader.kimlong", **MARCH).content.decode()
    assert re.findall(r'<tr data-unit="(\d+)">', html) == [KIM_LONG]
    assert dashboard(client, "leader.kimlong", unit=THUAN_HOA, **MARCH).status_code == 404


def test_the_dashboard_explains_bad_input_and_shows_the_current_month(client, march):
    response = dashboard(client, "official.hue", **{"from": "2026-04-01", "to": "2026-03-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert row(html, KIM_LONG)[1] == "6"


def test_the_dashboard_unit_filter_narrows_everything(client, march):
    html = dashboard(client, "official.hue", unit=THUAN_HOA, **MARCH).content.decode()
    assert re.findall(r'<tr data-unit="(\d+)">', html) == [THUAN_HOA]
    assert march["overdue"].code not in html
    assert date(2026, 3, 1).strftime("%d/%m/%Y") in html


def block(html, section):
    """The headline figures of a dashboard block: {label: value}."""
    match = re.search(rf'<dl class="figures" aria-labelledby="{section}">(.*?)</dl>', html, re.S)
    assert match, section
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", match.group(1), re.S)
    return {label: re.sub(r"<[^>]+>", "", value).strip() for label, value in pairs}


def test_the_dashboard_shows_satisfaction_and_neighbourhood_reports(client, march):
    # In English: labels as written here, figures as 4.00 and 66.7%.
    html = dashboard(client, "official.hue", lang="en", **MARCH).content.decode()
    assert block(html, "satisfaction") == {
        "Dossiers rated": "1",
        "Average rating": "4.00",
        "Satisfied (4 or 5)": "100.0%",
        "Dossiers with a complaint": "0",
        "Satisfaction score (766 index)": "4.8/6",
    }
    assert re.search(r'data-criterion="guidance">.*?<td>3.00</td>', html, re.S)
    assert block(html, "feedback") == {
        "Received": "7",
        "Emergencies": "1",
        "Resolved": "3",
        "Rejected": "1",
        "Open": "3",
        "Picked up on time": "66.7%",
        "Resolved the same day": "66.7%",
        "Leader told (not picked up in time)": "2",
        "Average rating": "3.25",
    }


def test_a_leaders_dashboard_counts_only_their_wards_reports(client, march):
    html = dashboard(client, "leader.kimlong", lang="en", **MARCH).content.decode()
    assert block(html, "feedback")["Open"] == "2"
    html = dashboard(client, "official.hue", lang="en", unit=THUAN_HOA, **MARCH).content.decode()
    assert block(html, "feedback")["Received"] == "1"
    assert block(html, "satisfaction")["Average rating"] == "\u2013"
