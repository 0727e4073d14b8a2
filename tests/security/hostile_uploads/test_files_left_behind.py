"""Files of refused and failed submissions are removed; a committed submission keeps its own."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from rest_framework.test import APIClient

from applications import services
from applications.models import ApplicationDraft, Attachment, Dossier, DossierEvent
from portal.accounts.models import User
from procedures.models import Procedure
from tests.security import hostile
from tests.security.hostile_uploads.conftest import (
    api,
    login,
    online_dossier,
    online_payload,
    required,
    stored,
    walk_in,
)

# --- Files of refused and failed submissions ---------------------------------------------------


def test_a_walk_in_refused_at_the_desk_keeps_no_file_and_its_history_names_them(
    client, procedure, media
):
    login(client, "clerk.kimlong")
    doc = required(procedure)[0]
    scan = SimpleUploadedFile("cccd.pdf", hostile.clean_pdf())
    response = walk_in(
        client,
        procedure,
        {f"document_{doc.pk}": scan},
        refuse="1",
        refuse_reason="Không thuộc thẩm quyền",
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.state == "refused"
    assert not dossier.attachments.exists()
    assert stored(media) == []
    submit = dossier.events.get(action="submit")
    assert submit.extra["handed_back"][0]["name"] == "cccd.pdf"


def test_an_online_dossier_refused_at_reception_has_its_files_removed(
    procedure, media, django_capture_on_commit_callbacks
):
    dossier = online_dossier(procedure)
    assert len(stored(media)) == len(required(procedure))
    with django_capture_on_commit_callbacks(execute=True):
        response = api("clerk.kimlong").post(
            f"/api/v1/dossiers/{dossier.code}/refuse/",
            {"reason": "Hồ sơ không thuộc thẩm quyền"},
            format="json",
        )
    assert response.status_code == 200
    assert stored(media) == []
    assert not Attachment.objects.filter(dossier=dossier).exists()
    refusal = DossierEvent.objects.get(dossier=dossier, action="refuse")
    assert len(refusal.extra["discarded_files"]) == len(required(procedure))


def test_an_invalid_refusal_keeps_the_files(procedure, media, django_capture_on_commit_callbacks):
    dossier = online_dossier(procedure)
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = api("clerk.kimlong").post(
            f"/api/v1/dossiers/{dossier.code}/refuse/", {"reason": "Muộn"}, format="json"
        )
    assert response.status_code == 409
    assert len(stored(media)) == len(required(procedure))


@pytest.fixture
def no_published_time(demo_transactional):
    """A procedure whose appointment the desk must set: receiving it without one fails after
    its documents were stored."""
    procedure = (
        Procedure.objects.filter(
            current_version__processing_amount__isnull=True,
            current_version__documents__isnull=False,
        )
        .order_by("code")
        .first()
    )
    if procedure is None:
        pytest.skip("the demo catalogue has no procedure without a published time")
    return procedure


def test_a_walk_in_that_fails_after_its_scans_were_stored_leaves_only_the_held_scans(
    client, no_published_time, media
):
    """Issue 13, item 6: a failed walk-in keeps its scans for the next try, held as the clerk's
    draft; every file stored belongs to that draft, none is left behind unowned."""
    procedure = no_published_time
    login(client, "clerk.kimlong")
    files = {
        f"document_{doc.pk}": SimpleUploadedFile(f"scan-{doc.pk}.pdf", hostile.clean_pdf())
        for doc in procedure.current_version.documents.all()
    }
    assert files
    response = walk_in(client, procedure, files)
    assert response.status_code == 400
    assert "give the appointment date" in response.content.decode()
    assert "Trần Văn Bình" in response.content.decode()
    assert not Dossier.objects.exists()
    held = ApplicationDraft.objects.get(at_desk=True)
    kept = sorted(Path(media) / a.file.name for a in held.attachments.all())
    assert len(kept) == len(files)
    assert sorted(stored(media)) == kept


def test_a_submission_the_database_fails_after_its_files_were_written_leaves_no_file(
    demo_transactional, media
):
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(User.objects.get(username="citizen"))
    full = DatabaseError("could not extend file: No space left")
    # The last write before the commit (the citizen's notices), after its files were written.
    with mock.patch("applications.services.notices.notify_submitted", side_effect=full):
        response = client.post("/api/v1/dossiers/", online_payload(procedure), format="multipart")
    assert response.status_code >= 500
    assert not Dossier.objects.exists()
    assert stored(media) == []


def test_a_committed_submission_keeps_its_files(demo_transactional, media):
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    response = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure), format="multipart"
    )
    assert response.status_code == 201
    dossier = Dossier.objects.get()
    files = stored(media)
    assert len(files) == dossier.attachments.count() == len(required(procedure))


def test_a_pdf_sent_as_a_neighbourhood_photo_is_refused_before_it_is_parsed(demo, media):
    """Reports are open to anyone: a PDF is not a photo, so it is never handed to the parser."""
    with mock.patch("portal.core.uploads._check_pdf", side_effect=AssertionError("parsed")):
        response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/feedback/reports/",
            {"category": "other", "description": "Rác", "unit": "19774", "address": "Kim Long",
             "photos": [SimpleUploadedFile("anh.jpg", hostile.pdf_with_open_action_js())]},
            format="multipart",
        )  # fmt: skip
    assert response.status_code == 400
    assert "is not a JPEG or PNG photo" in response.json()["detail"]
    assert stored(media) == []


def test_a_pdf_with_too_many_objects_is_refused_unwalked(procedure, monkeypatch):
    monkeypatch.setattr("portal.core.uploads.MAX_PDF_OBJECTS", 3)
    first = required(procedure)[0]
    writer_pages = SimpleUploadedFile("nhieu-trang.pdf", hostile.clean_pdf(pages=5))
    response = api("citizen").post(
        "/api/v1/dossiers/",
        online_payload(procedure, **{f"document_{first.pk}": writer_pages}),
        format="multipart",
    )
    assert response.status_code == 400
    assert "too complex a PDF" in response.json()["detail"]
