"""Phone first (issue 13): every page kind fits a 360 and a 390 px screen, in Vietnamese for an
English phone, with a collapsed menu and no serious or critical axe finding."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Dossier
from tests.browser.test_accessibility import citizen_paths, queue_paths, serious_findings

PUBLIC = {
    "home": "/",
    "procedure finder": "/?q=khai+sinh",
    "procedure page": "/thu-tuc/1.001193/?unit=19774",
    "lookup": "/tra-cuu/",
    "report form": "/phan-anh/",
    "map": "/phan-anh/ban-do/",
}
CITIZEN = ("apply-1", "apply-2", "apply-3", "dossiers", "dossier-supplement", "dossier-result")
STAFF = {"desk queue": "/desk/", "reports list": "/phan-anh/quan-ly/"}
WIDTHS = (360, 390)
# The wall display reloads itself (WCAG 2.2.1's real-time exception), as in test_accessibility.
ALLOWED = {"display": ("meta-refresh",)}


def sign_in(context, base, username):
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo12345")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_password")).to_have_count(0)
    return page


def overflow(page) -> str:
    """'' when nothing is wider than the screen, else the widest offenders."""
    return page.evaluate(
        """() => {
        const w = window.innerWidth;
        if (document.documentElement.scrollWidth <= w) return '';
        const bad = [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > w + 1)
          .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
        return document.documentElement.scrollWidth + 'px: ' + bad.slice(0, 5).join(', ');
      }"""
    )


def check(page, base, kind, path, width, failures):
    response = page.goto(base + path)
    assert response.status == 200, f"{kind} {path}: {response.status}"
    assert page.evaluate("document.documentElement.lang") == "vi", kind
    wide = overflow(page)
    if wide:
        failures.append(f"{width} px {kind} ({path}): {wide}")
    findings = serious_findings(page, allowed=ALLOWED.get(kind, ()))
    if findings:
        failures.append(f"{width} px {kind}: {findings}")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_kind_fits_a_phone_without_sideways_scrolling(
    live_server, demo_transactional, browser, width
):
    base = live_server.url
    citizen = citizen_paths()
    queue = queue_paths()
    supplement = citizen["dossier-supplement"].rstrip("/").rsplit("/", 1)[-1]
    assert Dossier.objects.filter(code=supplement).exists()
    failures: list[str] = []

    def context():
        # An English phone: the site is still Vietnamese (issue 13).
        return browser.new_context(viewport={"width": width, "height": 800}, locale="en-US")

    anonymous = context()
    page = anonymous.new_page()
    for kind, path in {**PUBLIC, "kiosk": queue["kiosk"], "ticket": queue["kiosk-ticket"]}.items():
        check(page, base, kind, path, width, failures)
    check(page, base, "display", queue["display"], width, failures)
    anonymous.close()

    resident = context()
    page = sign_in(resident, base, "citizen")
    for name in CITIZEN:
        check(page, base, name, citizen[name], width, failures)
    resident.close()

    clerk = context()
    page = sign_in(clerk, base, "clerk.kimlong")
    for kind, path in {**STAFF, "desk dossier": f"/desk/ho-so/{supplement}/"}.items():
        check(page, base, kind, path, width, failures)
    clerk.close()

    leader = context()
    page = sign_in(leader, base, "leader.kimlong")
    check(page, base, "dashboard", "/dashboard/", width, failures)
    leader.close()

    assert not failures, "\n".join(failures)


def test_the_menu_is_collapsed_on_a_phone_and_opens_with_one_tap(
    live_server, demo_transactional, browser
):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")
    report = page.locator("header nav").get_by_role("link", name=re.compile("phản ánh", re.I))
    expect(report).to_be_hidden()
    summary = page.locator("#site-menu > summary")
    box = summary.bounding_box()
    assert box["height"] >= 44
    assert box["width"] >= 44
    summary.click()
    expect(report).to_be_visible()
    assert report.bounding_box()["height"] >= 44
    # The header takes no more than a quarter of the screen while closed.
    summary.click()
    assert page.locator("header.site").bounding_box()["height"] <= 200
    context.close()


def test_the_menu_shows_the_links_on_a_wide_screen_and_works_without_javascript(
    live_server, demo_transactional, browser
):
    wide = browser.new_context(viewport={"width": 1280, "height": 800})
    page = wide.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("header nav a").first).to_be_visible()
    expect(page.locator("#site-menu > summary")).to_be_hidden()
    wide.close()
    plain = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = plain.new_page()
    page.goto(live_server.url + "/")
    page.locator("#site-menu > summary").click()
    expect(page.locator("header nav a").first).to_be_visible()
    plain.close()
