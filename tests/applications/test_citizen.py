"""The citizen side through the Django test client: account, apply online with a draft, my
dossiers, supplement, withdraw, downloads, rating and the leader's complaints."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import (
    ApplicationDraft,
    ClockStop,
    Complaint,
    Dossier,
    DraftAttachment,
    Rating,
)
from portal.accounts.models import User
from procedures.models import Procedure
from tests.applications.conftest import PDF, PNG, pdf

BACKENDS = ["portal.accounts.auth.PhoneOrEmailBackend"]
APPLICANT = {
    "unit": "19774",
    "on_behalf": "no",
    "applicant_name": "Nguyễn Thị Lan",
    "applicant_id_number": "046190005678",
    "applicant_phone": "0905 123 456",
    "applicant_email": "lan@example.vn",
    "applicant_address": "12 Kim Long, Huế",
}


@pytest.fixture
def procedure(demo):
    """A working-days procedure of the demo catalogue (no authorisation document)."""
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


@pytest.fixture
def as_user(client):
    def login(username):
        client.force_login(User.objects.get(username=username))
        client.cookies["motcua_language"] = "en"  # English by choice, never by the browser
        return client

    return login


def required(procedure):
    return [d for d in procedure.current_version.documents.all() if d.required]


def start(client, procedure, **answers):
    response = client.post(f"/nop-ho-so/{procedure.code}/", {**APPLICANT, **answers})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ApplicationDraft.objects.filter(dossier__isnull=True).latest("id")


def upload_all(client, draft, procedure):
    files = {f"document_{d.pk}": pdf(f"doc{d.pk}.pdf") for d in required(procedure)}
    response = client.post(f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/", {**files, "go": "review"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/nop-ho-so/nhap/{draft.pk}/xem-lai/"


def apply_online(client, procedure) -> Dossier:
    draft = start(client, procedure)
    upload_all(client, draft, procedure)
    response = client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    assert response.status_code == 302, response.content.decode()[:3000]
    return Dossier.objects.get(draft=draft)


def to_result(dossier, *, result=True):
    clerk = User.objects.get(username="clerk.kimlong")
    specialist = User.objects.get(username="specialist.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_start_review(dossier=dossier, actor=specialist)
    return services.dossier_resolve(
        dossier=dossier,
        actor=User.objects.get(username="leader.kimlong"),
        result_number="12/TP",
        result_file=pdf("ket-qua.pdf") if result else None,
    )


# --- Accounts ----------------------------------------------------------------------------------


def test_a_citizen_registers_with_a_phone_and_is_signed_in(client, demo, settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    response = client.post(
        "/dang-ky/",
        {
            "full_name": "Trần Thị Bích Ngọc",
            "phone": "0935 111 222",
            "password1": "hoa-sen-trang-42",
            "password2": "hoa-sen-trang-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(phone="0935111222")
    assert (user.username, user.first_name, user.last_name) == (
        "0935111222",
        "Ngọc",
        "Trần Thị Bích",
    )
    assert client.get("/ho-so-cua-toi/").status_code == 200


def test_a_citizen_registers_with_an_e_mail_only(client, demo, settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    response = client.post(
        "/dang-ky/",
        {
            "full_name": "Lê Văn Tâm",
            "email": "Tam.Le@Example.vn",
            "password1": "hoa-sen-trang-42",
            "password2": "hoa-sen-trang-42",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="tam.le@example.vn").phone == ""


def test_registration_refuses_a_phone_that_is_not_a_mobile_with_a_clear_message(client, demo):
    client.cookies["motcua_language"] = "en"
    response = client.post(
        "/dang-ky/",
        {
            "full_name": "Lê Văn Tâm",
            "phone": "0234 382 1234",
            "password1": "hoa-sen-trang-42",
            "password2": "hoa-sen-trang-42",
        },
    )
    assert response.status_code == 400
    assert "A Vietnamese mobile number has 10 digits" in response.content.decode()
    assert not User.objects.filter(first_name="Tâm").exists()


def test_registration_refuses_a_phone_already_registered_and_an_empty_contact(client, demo):
    client.cookies["motcua_language"] = "en"
    body = {"full_name": "Lê Văn Tâm", "password1": "hoa-sen-trang-42"}
    body["password2"] = body["password1"]
    taken = client.post("/dang-ky/", {**body, "phone": "0905123456"})
    assert taken.status_code == 400
    assert "already exists" in taken.content.decode()
    neither = client.post("/dang-ky/", body)
    assert neither.status_code == 400
    assert "Give a mobile number or an e-mail address" in neither.content.decode()
    weak = client.post("/dang-ky/", {**body, "phone": "0935111222", "password1": "12345678"})
    assert weak.status_code == 400
    assert User.objects.filter(first_name="Tâm").count() == 0


def test_a_citizen_signs_in_with_the_phone_or_the_e_mail(client, demo, settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    for identifier in ("0905 123 456", "CITIZEN@example.vn", "citizen"):
        response = client.post(
            "/accounts/login/", {"username": identifier, "password": "demo12345"}
        )
        assert response.status_code == 302, identifier
        assert client.get("/ho-so-cua-toi/").status_code == 200
        client.logout()
    wrong = client.post("/accounts/login/", {"username": "0905123456", "password": "nope"})
    assert wrong.status_code == 200


def test_the_account_pages_render_for_a_visitor(client, demo):
    for path in ("/dang-ky/", "/mat-khau/quen/"):
        assert client.get(path).status_code == 200
    assert client.get("/tai-khoan/").status_code == 302
    assert client.get("/ho-so-cua-toi/").status_code == 302


def test_a_forgotten_password_is_reset_through_an_e_mailed_link(client, demo):
    response = client.post("/mat-khau/quen/", {"email": "citizen@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mat-khau/dat-lai/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "song-huong-2026", "new_password2": "song-huong-2026"},
    )
    assert done.status_code == 302
    assert User.objects.get(username="citizen").check_password("song-huong-2026")


def test_the_profile_is_edited_and_prefills_the_application(as_user, procedure):
    client = as_user("citizen")
    response = client.post(
        "/tai-khoan/",
        {
            "full_name": "Nguyễn Thị Lan Anh",
            "phone": "0905999888",
            "email": "lan.anh@example.vn",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    assert client.get("/tai-khoan/").status_code == 200
    user = User.objects.get(username="citizen")
    assert (user.phone, user.preferred_language, user.first_name) == ("0905999888", "en", "Anh")
    page = client.get(f"/nop-ho-so/{procedure.code}/").content.decode()
    assert 'value="Nguyễn Thị Lan Anh"' in page
    assert 'value="0905999888"' in page


# --- Apply online --------------------------------------------------------------------------------


def test_applying_with_every_document_gives_the_code_and_what_happens_next(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    assert dossier.state == "submitted"
    assert dossier.channel == "online"
    assert dossier.applicant_user.username == "citizen"
    assert dossier.applicant_phone == "0905123456"
    assert dossier.attachments.count() == len(required(procedure))
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/da-nop/")
    html = page.content.decode()
    assert dossier.code in html
    assert "checks your dossier during working hours" in html
    assert f"/ho-so-cua-toi/{dossier.code}/" in html
    # The draft's own copies are gone: the dossier keeps its files.
    assert not DraftAttachment.objects.filter(draft__dossier=dossier).exists()


def test_a_bad_upload_keeps_the_answers_and_the_other_files(as_user, procedure):
    client = as_user("citizen")
    draft = start(client, procedure)
    first, second = required(procedure)[:2]
    exe = SimpleUploadedFile("giay-bao-tu.pdf", b"MZ\x90\x00\x03 this is a program")
    response = client.post(
        f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/",
        {f"document_{first.pk}": pdf("to-khai.pdf"), f"document_{second.pk}": exe, "go": "review"},
    )
    assert response.status_code == 400
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    draft.refresh_from_db()
    assert draft.data["applicant_name"] == "Nguyễn Thị Lan"
    assert list(draft.attachments.values_list("document_id", "original_name")) == [
        (first.pk, "to-khai.pdf")
    ]
    again = client.post(
        f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/",
        {f"document_{second.pk}": SimpleUploadedFile("anh.png", PNG), "go": "review"},
    )
    assert again.status_code == 302
    assert draft.attachments.count() == 2


def test_a_file_over_the_limit_is_named_and_the_limit_is_shown_before_upload(
    as_user, procedure, settings
):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 20
    client = as_user("citizen")
    draft = start(client, procedure)
    page = client.get(f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/").content.decode()
    assert "at most 20\xa0bytes each" in page
    doc = required(procedure)[0]
    response = client.post(
        f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/", {f"document_{doc.pk}": pdf("big.pdf")}
    )
    assert response.status_code == 400
    assert "the limit is 20" in response.content.decode()
    assert not draft.attachments.exists()


def test_a_double_submit_makes_one_dossier(as_user, procedure):
    client = as_user("citizen")
    draft = start(client, procedure)
    upload_all(client, draft, procedure)
    first = client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    second = client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    assert first.status_code == 302
    # The second press lands on the answer of the first one.
    assert second["Location"] == first["Location"]
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().submission_key == draft.submission_key
    # The same key through the service returns the same dossier, even if the draft were reused.
    assert (
        services.dossier_create(
            procedure=procedure,
            unit=draft.unit,
            applicant=services.Applicant(name="x"),
            channel="online",
            actor=User.objects.get(username="citizen"),
            submission_key=draft.submission_key,
        )
        == Dossier.objects.get()
    )


def test_sending_with_a_document_missing_is_refused_and_nothing_is_created(as_user, procedure):
    client = as_user("citizen")
    draft = start(client, procedure)
    review = client.get(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    assert "Missing:" in review.content.decode()
    response = client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_a_draft_is_resumed_from_the_procedure_and_from_the_drafts_list(as_user, procedure):
    client = as_user("citizen")
    draft = start(client, procedure, applicant_address="5 Nguyễn Phúc Nguyên")
    resumed = client.get(f"/nop-ho-so/{procedure.code}/")
    assert resumed.status_code == 302
    assert resumed["Location"] == f"/nop-ho-so/nhap/{draft.pk}/"
    assert 'value="5 Nguyễn Phúc Nguyên"' in client.get(resumed["Location"]).content.decode()
    listing = client.get("/ho-so-cua-toi/nhap/").content.decode()
    assert f"/nop-ho-so/nhap/{draft.pk}/" in listing
    other = as_user("citizen2")
    assert other.get(f"/nop-ho-so/nhap/{draft.pk}/").status_code == 404


def test_the_citizen_id_and_phone_are_checked_with_clear_messages(as_user, procedure):
    client = as_user("citizen")
    response = client.post(
        f"/nop-ho-so/{procedure.code}/",
        {**APPLICANT, "applicant_id_number": "04619000567", "applicant_phone": "12345"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "has exactly 12 digits; you typed 11" in html
    assert "A Vietnamese mobile number has 10 digits" in html
    bad_province = client.post(
        f"/nop-ho-so/{procedure.code}/", {**APPLICANT, "applicant_id_number": "999190005678"}
    )
    assert "999 is not one" in bad_province.content.decode()
    future = client.post(
        f"/nop-ho-so/{procedure.code}/", {**APPLICANT, "applicant_id_number": "046399005678"}
    )
    assert "birth year in the future" in future.content.decode()
    assert not ApplicationDraft.objects.exists()


def test_applying_for_someone_else_needs_the_authorisation_document(as_user, demo):
    birth = Procedure.objects.get(code="1.001193")
    client = as_user("citizen")
    draft = start(client, birth, on_behalf="yes", applicant_name="Nguyễn Văn Bé")
    upload_all(client, draft, birth)
    refused = client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    assert refused.status_code == 400
    assert "Attach the authorisation document" in refused.content.decode()
    client.post(
        f"/nop-ho-so/nhap/{draft.pk}/",
        {**APPLICANT, "on_behalf": "yes", "authorisation": pdf("uy-quyen.pdf")},
    )
    assert client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/").status_code == 302
    dossier = Dossier.objects.get(draft=draft)
    assert dossier.attachments.count() == len(required(birth)) + 1
    assert (
        User.objects.get(username="citizen").display_name
        in dossier.events.get(action="submit").note
    )


# --- My dossiers -------------------------------------------------------------------------------


def test_my_dossiers_lists_only_mine_newest_first_and_others_get_404(as_user, procedure):
    client = as_user("citizen")
    older = apply_online(client, procedure)
    newer = apply_online(client, procedure)
    html = client.get("/ho-so-cua-toi/").content.decode()
    assert html.index(newer.code) < html.index(older.code)
    assert "Submitted, waiting for the desk" in html
    assert "on track" in html
    other = as_user("citizen2")
    assert newer.code not in other.get("/ho-so-cua-toi/").content.decode()
    assert other.get(f"/ho-so-cua-toi/{newer.code}/").status_code == 404
    assert other.get(f"/ho-so-cua-toi/{newer.code}/rut/").status_code == 404


def test_the_dossier_page_shows_the_timeline_in_plain_words(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    services.dossier_receive(dossier=dossier, actor=User.objects.get(username="clerk.kimlong"))
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Received at the desk" in html
    assert "start_review" not in html
    assert ">receive<" not in html
    receipt = client.get(f"/ho-so-cua-toi/{dossier.code}/giay-tiep-nhan/")
    assert receipt.status_code == 200
    assert receipt.content.startswith(b"%PDF")
    assert receipt["Content-Disposition"].startswith("attachment;")


def test_answering_a_supplement_request_resumes_the_clock(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_request_supplement(dossier=dossier, actor=clerk, reason="Tờ khai thiếu chữ ký")
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Tờ khai thiếu chữ ký" in page
    doc = required(procedure)[0]
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {f"document_{doc.pk}": pdf("to-khai-ky.pdf"), "note": "Đã ký"},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "received"
    assert dossier.clock_stopped_at is None
    assert not ClockStop.objects.filter(dossier=dossier, ended_at__isnull=True).exists()
    assert dossier.attachments.filter(purpose="supplement").count() == 1


def test_a_citizen_withdraws_after_confirming(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    confirm = client.get(f"/ho-so-cua-toi/{dossier.code}/rut/")
    assert confirm.status_code == 200
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "submitted"
    client.post(f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "Nộp nhầm"})
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "withdrawn"
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/rut/").status_code == 302


def test_the_result_and_the_attachments_download_only_for_who_may_see_them(
    as_user, procedure, client
):
    owner = as_user("citizen")
    dossier = apply_online(owner, procedure)
    assert owner.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/").status_code == 404
    to_result(dossier)
    response = owner.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    attachment = dossier.attachments.filter(purpose="application").first()
    assert owner.get(f"/tep/{attachment.pk}/").status_code == 200
    other = as_user("citizen2")
    assert other.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/").status_code == 404
    assert other.get(f"/tep/{attachment.pk}/").status_code == 404
    assert as_user("clerk.kimlong").get(f"/tep/{attachment.pk}/").status_code == 200
    assert as_user("clerk.thuanhoa").get(f"/tep/{attachment.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/").status_code == 302


def test_a_payment_request_links_to_the_payment_page(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    specialist = User.objects.get(username="specialist.kimlong")
    services.dossier_receive(dossier=dossier, actor=User.objects.get(username="clerk.kimlong"))
    services.dossier_start_review(dossier=dossier, actor=specialist)
    services.dossier_request_payment(dossier=dossier, actor=specialist, amount=8000)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert f"/thanh-toan/{dossier.code}/" in html


# --- Rating and complaints ---------------------------------------------------------------------


SCORES = {"overall": "5", "time": "5", "attitude": "4", "guidance": "5", "transparency": "4"}


def test_rating_is_only_after_the_result_and_only_once(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    early = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", SCORES)
    assert early.status_code == 302
    assert not Rating.objects.exists()
    to_result(dossier)
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", SCORES)
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.code}/danh-gia/cam-on/"
    assert client.get(response["Location"]).status_code == 200
    again = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {**SCORES, "overall": "1"})
    assert again.status_code == 302
    rating = Rating.objects.get()
    assert (rating.overall, rating.attitude) == (5, 4)
    assert not Complaint.objects.exists()
    assert as_user("citizen2").get(f"/ho-so-cua-toi/{dossier.code}/danh-gia/").status_code == 404


def test_the_rating_form_offers_1_to_5_on_each_criterion(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    to_result(dossier, result=False)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/danh-gia/").content.decode()
    for key in SCORES:
        assert all(f'name="{key}" value="{n}"' in html for n in range(1, 6))
    assert "Staff attitude" in html
    incomplete = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"overall": "4"})
    assert incomplete.status_code == 400
    assert not Rating.objects.exists()


def test_a_dissatisfied_rating_opens_a_complaint_the_leader_answers(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    to_result(dossier, result=False)
    client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/",
        {**SCORES, "overall": "2", "attitude": "1", "comment": "Cán bộ không hướng dẫn"},
    )
    complaint = Complaint.objects.get(dossier=dossier)
    assert complaint.status == "open"
    assert complaint.rating.overall == 2
    assert as_user("clerk.kimlong").get("/desk/phan-anh/").status_code == 403
    leader = as_user("leader.kimlong")
    listing = leader.get("/desk/phan-anh/").content.decode()
    assert leader.get(f"/desk/phan-anh/{complaint.pk}/").status_code == 200
    assert dossier.code in listing
    assert "Cán bộ không hướng dẫn" in listing
    empty = leader.post(f"/desk/phan-anh/{complaint.pk}/", {"answer": ""})
    assert empty.status_code == 400
    answered = leader.post(
        f"/desk/phan-anh/{complaint.pk}/", {"answer": "Chúng tôi xin lỗi và đã nhắc nhở."}
    )
    assert answered.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "answered"
    assert complaint.answered_by.username == "leader.kimlong"
    assert dossier.code not in leader.get("/desk/phan-anh/").content.decode()
    page = as_user("citizen").get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Chúng tôi xin lỗi và đã nhắc nhở." in page
