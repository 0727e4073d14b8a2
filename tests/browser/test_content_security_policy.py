"""Issue 8, item 8: under the Content-Security-Policy, Chromium blocks nothing on the main pages
(a blocked script or style shows as a console error and a `securitypolicyviolation` event)."""

from playwright.sync_api import expect

from portal.accounts.models import User
from tests.browser.test_accessibility import citizen_paths, queue_paths, sign_in

PUBLIC = [
    "/",
    "/?q=khai+sinh",
    "/thu-tuc/1.001193/?unit=19774",
    "/tra-cuu/",
    "/accounts/login/",
    "/dang-ky/",
    "/phan-anh/",
    "/phan-anh/ban-do/",
    "/admin/login/",
]
STAFF = [
    "/desk/",
    "/desk/tiep-nhan/",
    "/phan-anh/quan-ly/",
    "/accounts/xac-thuc-hai-buoc/",
]


class Violations:
    """Console errors and CSP violation events of one page, across navigations."""

    def __init__(self, page):
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"pageerror: {error}"))
        page.on("response", self._response)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e =>"
            " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )

    def _console(self, message):
        # A failed load is reported by _response with its address; the console says only that.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.found.append(f"console: {message.text}")

    def _response(self, response):
        # Chromium asks for /favicon.ico by itself; the portal has none.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.found.append(f"{response.status}: {response.url}")

    def visit(self, page, url):
        response = page.goto(url, wait_until="networkidle")
        assert response.status < 400, url
        return self.found


def test_public_pages_break_no_rule_of_the_policy(live_server, demo_transactional, page):
    watch = Violations(page)
    for path in PUBLIC:
        assert watch.visit(page, live_server.url + path) == [], path


def test_signed_in_citizen_pages_break_no_rule_of_the_policy(live_server, demo_transactional, page):
    paths = citizen_paths()
    watch = Violations(page)
    sign_in(page, live_server.url)
    for name in ("profile", "apply-1", "apply-2", "dossiers", "dossier-result", "rate", "pay"):
        assert watch.visit(page, live_server.url + paths[name]) == [], name


def test_staff_pages_and_the_kiosk_break_no_rule_of_the_policy(
    live_server, demo_transactional, page
):
    queue = queue_paths()
    watch = Violations(page)
    for name in ("kiosk", "kiosk-ticket", "display"):
        assert watch.visit(page, live_server.url + queue[name]) == [], name
    sign_in(page, live_server.url, username="clerk.kimlong")
    for path in STAFF:
        assert watch.visit(page, live_server.url + path) == [], path
    page.context.clear_cookies()
    sign_in(page, live_server.url, username="official.hue")
    assert watch.visit(page, live_server.url + "/dashboard/") == []


def test_the_kiosk_ticket_script_runs_under_the_policy(live_server, demo_transactional, page):
    watch = Violations(page)
    watch.visit(page, live_server.url + queue_paths()["kiosk-ticket"])
    # The timer is shown by the script from static/js: it ran.
    expect(page.locator("#kiosk-timer")).to_be_visible()
    assert watch.found == []


def test_the_admin_breaks_no_rule_of_the_policy(live_server, demo_transactional, page):
    User.objects.create_superuser("root", "root@example.vn", "admin-pass-2025")
    watch = Violations(page)
    watch.visit(page, live_server.url + "/admin/login/")
    page.locator("#id_username").fill("root")
    page.locator("#id_password").fill("admin-pass-2025")
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    for path in (
        "/admin/",
        "/admin/portal/user/",
        "/admin/portal/user/add/",
        "/admin/axes/accessattempt/",
    ):
        assert watch.visit(page, live_server.url + path) == [], path


def test_the_api_docs_render_under_the_policy(live_server, demo_transactional, page):
    watch = Violations(page)
    watch.visit(page, live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("MotCua API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert watch.found == []
