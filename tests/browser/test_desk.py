import io
import re
import unicodedata

from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import Dossier
from procedures.models import Procedure


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo12345")
    page.locator("main form button[type=submit]").click()


def sign_out(page):
    page.context.clear_cookies()


def test_a_walk_in_dossier_goes_from_reception_to_returned_with_a_printed_receipt(
    live_server, demo_transactional, page
):
    base = live_server.url
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    required = [d.pk for d in procedure.current_version.documents.all() if d.required]

    sign_in(page, base, "clerk.kimlong")
    page.goto(base + "/desk/")
    page.locator("a.button[href='/desk/tiep-nhan/']").click()
    page.locator("#q").fill(procedure.code)
    page.locator("#q").press("Enter")
    page.locator(f"a[href='/desk/tiep-nhan/{procedure.code}/']").click()

    page.locator("#applicant_name").fill("Nguyễn Văn An")
    page.locator("#applicant_id_number").fill("046090001234")
    page.locator("#applicant_phone").fill("0905111222")
    page.locator("#applicant_address").fill("12 Kim Long, Huế")
    for pk in required:
        page.locator(f"input[name=checked][value='{pk}']").check()
    page.locator("#receive").click()

    expect(page).to_have_url(re.compile(r"/desk/ho-so/19774-\d{6}-\d{4}/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    dossier = Dossier.objects.get(code=code)
    assert dossier.state == "received"

    # The receipt (form 01), downloaded as the clerk's browser gets it, carries the code,
    # the applicant's name in Vietnamese and the appointment date.
    page.locator(f"a[href='/desk/dossiers/{code}/forms/']").click()
    receipt_link = page.locator("ul.forms-list a").first
    response = page.request.get(base + receipt_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = unicodedata.normalize(
        "NFC", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    )
    assert code in text
    assert "Nguyễn Văn An" in text
    assert (
        dossier.due_at.astimezone().strftime("%d/%m/%Y") in text
        or dossier.due_at.strftime("%d/%m/%Y") in text
    )

    page.goto(base + f"/desk/ho-so/{code}/")
    page.locator("#action-start_review select[name=assignee]").select_option("specialist.kimlong")
    page.locator("#action-start_review button").click()
    expect(page.locator("#action-start_review")).to_have_count(0)

    sign_out(page)
    sign_in(page, base, "specialist.kimlong")
    page.goto(base + f"/desk/ho-so/{code}/")
    page.locator("#result_number-propose").fill("15/QĐ-UBND")
    page.locator("#action-propose button").click()
    expect(page.locator("#action-propose")).to_have_count(0)

    sign_out(page)
    sign_in(page, base, "leader.kimlong")
    page.goto(base + f"/desk/ho-so/{code}/")
    page.locator("#action-approve button").click()
    expect(page.locator("#action-approve")).to_have_count(0)

    sign_out(page)
    sign_in(page, base, "clerk.kimlong")
    page.goto(base + f"/desk/ho-so/{code}/")
    page.locator("#action-return_result select[name=method]").select_option("desk")
    page.locator("#action-return_result button").click()
    expect(page.locator("#action-return_result")).to_have_count(0)

    dossier = Dossier.objects.get(code=code)  # a protected FSM field cannot be refreshed in place
    assert dossier.state == "returned"
    assert list(dossier.events.values_list("action", flat=True)) == [
        "submit", "receive", "start_review", "propose", "approve", "return_result",
    ]  # fmt: skip
