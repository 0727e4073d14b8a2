"""A dossier's API detail written from plain values (issue 10): what `DossierDetailOutput` (a
ModelSerializer, kept to document the answer) gives, without building about forty serializer
fields for each answer. The new dossier's answer (`POST /api/v1/dossiers/`) is written with it.
tests/applications/test_detail_values.py checks that both give the same JSON."""

from datetime import datetime
from typing import Any

from applications.api.detail_rows import detail_json
from applications.models import Dossier
from applications.selectors import detail
from portal.accounts.models import User


def dossier_detail(user: User, dossier: Dossier, now: datetime) -> dict[str, Any]:
    """`DossierDetailOutput(dossier).data` for `user` at `now`, from a dossier already in hand
    (the new dossier's answer): its values put in the row `selectors.detail` reads, then written
    by the GET detail's own `detail_json`, so the answer has one home."""
    version = dossier.procedure_version
    assignee = dossier.assignee
    row: dict[str, Any] = {name: getattr(dossier, name) for name in detail.COLUMNS}
    row.update(
        procedure_code=dossier.procedure.code,
        version_name_vi=version.name_vi,
        version_name_en=version.name_en,
        version_number=version.number,
        handling_code=dossier.handling_unit.code,
        receiving_code=dossier.receiving_unit.code,
        assignee_username=assignee.username if assignee is not None else None,
    )
    events = [
        {name: getattr(event, name) for name in detail.EVENT_COLUMNS}
        for event in dossier.events.all()
    ]
    return detail_json(user, row, events, now)
