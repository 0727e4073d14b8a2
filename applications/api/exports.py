"""Dossier lists as CSV or XLSX (DESIGN.md: `GET /api/v1/dossiers/?format=csv|xlsx`): the rows
the list's filters select, all of them (not one page), Vietnamese headers, dates dd/mm/yyyy.
The applicant's ID number and phone are left out: a file travels further than a screen."""

from datetime import datetime

from django.utils.translation import gettext as _

from applications import timeliness
from portal.core import exports


def dossier_columns(now: datetime):
    def word(dossier):
        found = timeliness.of(dossier, now)
        return str(timeliness.LABELS[found]) if found else ""

    return [
        (_("Dossier code"), lambda d: d.code),
        (_("State"), lambda d: d.get_state_display()),
        (_("Timeliness"), word),
        (_("Procedure code"), lambda d: d.procedure.code),
        (_("Procedure"), lambda d: d.procedure_version.name),
        (_("Receiving unit"), lambda d: d.receiving_unit.code),
        (_("Handling unit"), lambda d: d.handling_unit.code),
        (_("Channel"), lambda d: d.get_channel_display()),
        (_("Applicant"), lambda d: d.applicant_name),
        (_("Submitted"), lambda d: d.submitted_at),
        (_("Received"), lambda d: d.received_at),
        (_("Due"), lambda d: d.due_at),
        (_("Result issued"), lambda d: d.resolved_at),
        (_("Result returned"), lambda d: d.returned_at),
        (_("Code in the former system"), lambda d: d.legacy_code),
        (_("Inherited from a former unit"), lambda d: d.is_transferred),
    ]


def dossier_list_response(fmt: str, dossiers, now: datetime):
    dossiers = dossiers.select_related(
        "procedure", "procedure_version", "receiving_unit", "handling_unit"
    )
    return exports.response(
        fmt,
        columns=dossier_columns(now),
        rows=dossiers.iterator(chunk_size=2000),
        filename="ho-so",
    )
