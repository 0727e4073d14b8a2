"""The files of a submission are kept exactly when its rows are (portal/core/uploads.py): a
committed dossier keeps them without a look-up by file name (that look-up reads the whole
attachment table, issue 10), a rolled-back one leaves none behind. Real commits here: the
clean-up runs once the outermost transaction is over."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.models import Attachment, Dossier
from applications.services import notices
from portal.accounts.models import User
from portal.core import uploads
from procedures.models import Procedure
from tests.applications.conftest import online_payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    # Earlier tests' files, noted by rows their test transaction rolled back, are settled first:
    # their names (in another storage) may be the ones this test's files get.
    uploads.discard_orphans()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def procedure(demo_transactional):
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


def _submit(procedure):
    client = APIClient()
    client.force_authenticate(User.objects.get(username="citizen"))
    return client.post("/api/v1/dossiers/", online_payload(procedure), format="multipart")


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_a_committed_submission_keeps_its_files_without_looking_them_up(procedure, media):
    with CaptureQueriesContext(connection) as captured:
        response = _submit(procedure)
    assert response.status_code == 201, response.json()
    attachments = Attachment.objects.filter(dossier__code=response.json()["code"])
    assert attachments.count() >= 1
    assert len(_stored(media)) == attachments.count()
    # No look-up of these files (an earlier test's rolled-back files may still be looked up).
    names = [a.file.name for a in attachments]
    lookups = [q["sql"] for q in captured.captured_queries if any(n in q["sql"] for n in names)]
    lookups = [sql for sql in lookups if sql.startswith("SELECT")]
    assert lookups == []


def test_a_submission_rolled_back_after_its_files_were_written_leaves_none(
    procedure, media, monkeypatch
):
    def broken(dossier):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr(notices, "notify_submitted", broken)
    with pytest.raises(RuntimeError):
        _submit(procedure)
    assert not Dossier.objects.exists()
    assert _stored(media) == []
