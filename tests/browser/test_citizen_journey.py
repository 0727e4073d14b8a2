"""The citizen's whole journey in Chromium, with JavaScript off on the citizen's side: register,
apply with attachments, get the code; the desk receives and asks for a supplement; the citizen
answers; the specialist asks for the fee; the citizen pays through the sandbox bank (its IPN
travels over HTTP to the portal); the specialist issues the result with a PDF; the citizen
downloads exactly that PDF and rates the service. Every step leaves a numbered screenshot in
the artefacts folder (journey-NN-*.png), phone-sized (412 px wide)."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import (
    Attachment,
    ClockStop,
    Complaint,
    Dossier,
    Payment,
    PaymentCallback,
    Rating,
)
from applications.models.delegations import SignatureDelegation
from portal.accounts.models import User
from procedures.models import Procedure
from tests.browser.conftest import ARTEFACTS

PHONE = {"width": 412, "height": 915}
FEE = 8_000  # the late-registration fee: the specialist finds the birth was not declared in time
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"
# The result the specialist uploads: a PDF with its own marker, to recognise it on download.
RESULT_PDF = b"%PDF-1.4\n% Ket qua 27/QD-UBND, Kim Long\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"


def shot(page, number: int, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"journey-{number:02d}-{name}.png"), full_page=True)


def pdf_file(name: str, content: bytes = PDF) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo12345")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_password")).to_have_count(0)


def desk_act(page, base, code, action, **fields):
    """Press one action on the desk's dossier page, filling its fields first."""
    page.goto(base + f"/desk/ho-so/{code}/")
    form = page.locator(f"#action-{action}")
    for selector, value in fields.items():
        field = form.locator(selector)
        if isinstance(value, dict):
            field.set_input_files(value)
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#action-{action}")).to_have_count(0)


def state(code) -> str:
    # The state is a protected FSM field: read the row again rather than refresh it.
    return Dossier.objects.get(code=code).state


@pytest.fixture
def citizen_page(browser):
    """The citizen's phone, JavaScript off: every citizen step is a plain HTML form."""
    context = browser.new_context(java_script_enabled=False, locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_citizen_registers_applies_supplements_pays_downloads_the_result_and_rates(
    live_server, demo_transactional, settings, citizen_page, page
):
    # The sandbox bank calls the portal back server to server, at SITE_URL, over HTTP.
    settings.SITE_URL = live_server.url
    settings.PAYMENT_GATEWAY = "sandbox"
    settings.PAYMENT_SANDBOX_TRANSPORT = ""
    base = live_server.url
    procedure = Procedure.objects.get(code="1.001193")  # birth registration
    required = [d for d in procedure.current_version.documents.all() if d.required]
    me = citizen_page
    desk = page

    # 1. Register with a mobile number: the account is created and signed in.
    me.goto(base + "/dang-ky/")
    me.locator("#id_full_name").fill("Trần Thị Bích Ngọc")
    me.locator("#id_phone").fill("0935 111 222")
    me.locator("#id_email").fill("ngoc.tran@example.vn")
    me.locator("#id_password1").fill("hoa-sen-trang-42")
    me.locator("#id_password2").fill("hoa-sen-trang-42")
    me.locator("main form button[type=submit]").click()
    expect(me).to_have_url(re.compile(r"/ho-so-cua-toi/$"))
    user = User.objects.get(phone="0935111222")
    shot(me, 1, "registered")

    # 2. From the procedure's page, apply online: step 1, the applicant (prefilled from the
    # profile, the unit from the page).
    me.goto(base + f"/thu-tuc/{procedure.code}/?unit=19774")
    me.locator(f"main a.button[href^='/nop-ho-so/{procedure.code}/']").click()
    expect(me.locator("#id_applicant_name")).to_have_value("Trần Thị Bích Ngọc")
    expect(me.locator("#id_unit")).to_have_value("19774")
    me.locator("#id_applicant_id_number").fill("046190005678")
    me.locator("#id_applicant_address").fill("12 Kim Long, Huế")
    shot(me, 2, "apply-step1-applicant")
    me.locator("main form button[type=submit]").click()
    expect(me).to_have_url(re.compile(r"/nop-ho-so/nhap/\d+/tai-lieu/$"))

    # 3. Step 2: one PDF per required document, then review.
    for document in required:
        me.locator(f"#document_{document.pk}").set_input_files(pdf_file(f"doc{document.pk}.pdf"))
    shot(me, 3, "apply-step2-documents")
    me.locator("button[name=go][value=review]").click()
    expect(me).to_have_url(re.compile(r"/nop-ho-so/nhap/\d+/xem-lai/$"))
    expect(me.locator("ul.documents li.missing")).to_have_count(0)
    shot(me, 4, "apply-step3-review")

    # 4. Send: the answer page gives the dossier code.
    me.locator("main form[action$='/xem-lai/'] button[type=submit]").click()
    expect(me).to_have_url(re.compile(r"/ho-so-cua-toi/19774-\d{6}-\d{4}/da-nop/$"))
    code = me.locator("main strong.code").inner_text().strip()
    dossier = Dossier.objects.get(code=code)
    assert (dossier.applicant_user, dossier.channel, dossier.state) == (user, "online", "submitted")
    assert dossier.attachments.count() == len(required)
    assert code in me.url
    shot(me, 5, "sent-with-code")

    # 5. The desk receives it and asks for a supplement, once and in full.
    sign_in(desk, base, "clerk.kimlong")
    desk_act(desk, base, code, "receive")
    assert state(code) == "received"
    desk_act(
        desk,
        base,
        code,
        "request_supplement",
        **{"textarea[name=reason]": "Tờ khai thiếu chữ ký: xin gửi lại bản có chữ ký."},
    )
    assert state(code) == "awaiting_supplement"
    shot(desk, 6, "desk-asks-for-supplement")

    # 6. The citizen reads what is needed on the dossier page and answers with a new file.
    me.goto(base + f"/ho-so-cua-toi/{code}/")
    callout = me.locator("section[aria-labelledby=supplement]")
    expect(callout).to_contain_text("Tờ khai thiếu chữ ký")
    shot(me, 7, "citizen-sees-supplement-request")
    callout.locator(f"#sup_{required[0].pk}").set_input_files(pdf_file("to-khai-co-chu-ky.pdf"))
    callout.locator("#sup_note").fill("Đã ký tờ khai.")
    callout.locator("button[type=submit]").click()
    expect(me.locator("section[aria-labelledby=supplement]")).to_have_count(0)
    assert state(code) == "received"
    stop = ClockStop.objects.get(dossier__code=code, kind=ClockStop.Kind.SUPPLEMENT)
    assert stop.ended_at is not None
    assert Attachment.objects.filter(
        dossier__code=code, original_name="to-khai-co-chu-ky.pdf"
    ).exists()
    shot(me, 8, "citizen-answered-supplement")

    # 7. The desk hands it to the specialist, who asks for the fee during review.
    desk_act(desk, base, code, "start_review", **{"select[name=assignee]": "specialist.kimlong"})
    sign_in(desk, base, "specialist.kimlong")
    desk_act(desk, base, code, "request_payment", **{"input[name=amount]": str(FEE)})
    assert state(code) == "awaiting_payment"
    shot(desk, 9, "specialist-asks-for-fee")

    # 8. The citizen pays from the dossier page through the sandbox bank.
    me.goto(base + f"/ho-so-cua-toi/{code}/")
    me.locator(f"section[aria-labelledby=pay] a[href='/thanh-toan/{code}/']").click()
    expect(me.locator("main dd.amount")).to_contain_text("8.000")
    shot(me, 10, "payment-page")
    me.locator("main form button.pay-button").click()
    expect(me).to_have_url(re.compile(r"/thanh-toan/sandbox/"))
    shot(me, 11, "sandbox-bank")
    me.locator("main button[name=choice][value=pay]").click()
    expect(me).to_have_url(re.compile(r"/thanh-toan/ket-qua/\?"))
    expect(me.locator("main p.paid")).to_be_visible()
    shot(me, 12, "payment-received")
    assert state(code) == "in_review"
    payment = Payment.objects.get(dossier__code=code)
    assert (payment.status, payment.amount_vnd) == ("paid", FEE)
    # The IPN came first, over HTTP, and confirmed; the browser return found it done.
    assert list(
        PaymentCallback.objects.filter(payment=payment)
        .order_by("received_at", "id")
        .values_list("kind", "outcome")
    ) == [("ipn", "confirmed"), ("return", "duplicate")]

    # 9. The specialist issues the result with its PDF (Kim Long delegated this procedure's
    # signature: without that, a leader signs it).
    dossier = Dossier.objects.get(code=code)
    SignatureDelegation.objects.create(unit=dossier.handling_unit, procedure=dossier.procedure)
    desk_act(
        desk,
        base,
        code,
        "resolve",
        **{
            "input[name=result_number]": "27/QĐ-UBND",
            "input[name=result]": pdf_file("ket-qua.pdf", RESULT_PDF),
        },
    )
    assert state(code) == "resolved"
    shot(desk, 13, "specialist-issues-result")

    # 10. The citizen downloads the result: exactly the PDF the specialist uploaded.
    me.goto(base + f"/ho-so-cua-toi/{code}/")
    shot(me, 14, "result-ready")
    with me.expect_download() as download:
        me.locator(f"a[href='/ho-so-cua-toi/{code}/ket-qua/']").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == RESULT_PDF
    assert download.value.suggested_filename == "ket-qua.pdf"

    # 11. And rates the service.
    me.locator(f"a.button[href='/ho-so-cua-toi/{code}/danh-gia/']").click()
    for criterion, score in {
        "overall": 5,
        "time": 4,
        "attitude": 5,
        "guidance": 5,
        "transparency": 4,
    }.items():
        me.locator(f"input[name={criterion}][value='{score}']").check()
    me.locator("#id_comment").fill("Cán bộ hướng dẫn tận tình.")
    shot(me, 15, "rating-form")
    me.locator("main form button[type=submit]").click()
    expect(me).to_have_url(re.compile(rf"/ho-so-cua-toi/{code}/danh-gia/cam-on/$"))
    shot(me, 16, "rated")

    rating = Rating.objects.get(dossier__code=code)
    assert (rating.overall, rating.time, rating.attitude, rating.guidance, rating.transparency) == (
        5,
        4,
        5,
        5,
        4,
    )
    assert not Complaint.objects.filter(dossier__code=code).exists()  # satisfied: no complaint
    assert list(
        Dossier.objects.get(code=code).events.values_list("action", flat=True)
    ) == [
        "submit", "receive", "request_supplement", "supplement", "start_review",
        "request_payment", "confirm_payment", "resolve",
    ]  # fmt: skip
