"""A citizen's draft whose procedure was withdrawn from the catalogue since (no current version):
its pages answer 404, as for an unknown procedure, never a server error; nothing is created
(issue 9: found by typing the drafts service strictly)."""

import pytest

from applications.models import Dossier
from portal.accounts.models import User
from procedures.models import Procedure
from tests.citizen.conftest import start


@pytest.fixture
def procedure(demo):
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


def test_a_draft_of_a_withdrawn_procedure_is_not_found(client, procedure):
    client.force_login(User.objects.get(username="citizen"))
    draft = start(client, procedure)
    Procedure.objects.filter(pk=procedure.pk).update(current_version=None)

    for step in ("tai-lieu", "xem-lai"):
        assert client.get(f"/nop-ho-so/nhap/{draft.pk}/{step}/").status_code == 404
    assert client.post(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/").status_code == 404
    assert not Dossier.objects.exists()
