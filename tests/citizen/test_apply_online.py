"""Applying online: documents, bad uploads, double submits, drafts, checks."""

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import (
    ApplicationDraft,
    Dossier,
    DraftAttachment,
)
from portal.accounts.models import User
from procedures.models import Procedure
from tests.applications.conftest import PNG, pdf
from tests.citizen.conftest import APPLICANT, apply_online, required, start, upload_all

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
