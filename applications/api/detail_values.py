"""A dossier's API detail written from plain values (issue 10): what `DossierDetailOutput` (a
ModelSerializer, kept to document the answer) gives, without building about forty serializer
fields for each answer. The new dossier's answer (`POST /api/v1/dossiers/`) is written with it.
tests/applications/test_detail_values.py checks that both give the same JSON."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from applications import access, timeliness
from applications.api.list_rows import moment
from applications.models import Dossier
from portal.accounts.models import User


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> int | None:
    return None if value is None else int(value)


def dossier_detail(user: User, dossier: Dossier, now: datetime) -> dict[str, Any]:
    """`DossierDetailOutput(dossier).data` for `user` at `now`: the same keys in the same order,
    the same values (moments in ISO 8601 in the current time zone, the applicant's numbers
    unmasked: only those who may see the dossier get here)."""
    zone = timezone.get_current_timezone()
    version = dossier.procedure_version
    assignee = dossier.assignee
    return {
        "code": dossier.code,
        "state": _text(dossier.state),
        "timeliness": timeliness.of(dossier, now),
        "procedure": dossier.procedure.code,
        "procedure_name": version.name,
        "procedure_version": version.number,
        "receiving_unit": dossier.receiving_unit.code,
        "handling_unit": dossier.handling_unit.code,
        "channel": _text(dossier.channel),
        "applicant_name": dossier.applicant_name,
        "applicant_id_number": dossier.applicant_id_number,
        "applicant_phone": dossier.applicant_phone,
        "assignee": assignee.username if assignee is not None else None,
        "submitted_at": moment(dossier.submitted_at, zone),
        "received_at": moment(dossier.received_at, zone),
        "due_at": moment(dossier.due_at, zone),
        "appointment_at": moment(dossier.appointment_at, zone),
        "sets": _number(dossier.sets),
        "apology_due_at": moment(dossier.apology_due_at, zone),
        "resolved_at": moment(dossier.resolved_at, zone),
        "returned_at": moment(dossier.returned_at, zone),
        "fee_vnd": _number(dossier.fee_vnd),
        "result_number": dossier.result_number,
        "reason": dossier.reason,
        "legacy_code": dossier.legacy_code,
        "is_transferred": bool(dossier.is_transferred),
        "version": dossier.version,
        "actions": access.available_actions(user, dossier),
        "applicant_email": dossier.applicant_email,
        "applicant_address": dossier.applicant_address,
        "history": [
            {
                "action": str(event.action),
                "from_state": str(event.from_state),
                "to_state": str(event.to_state),
                "actor_label": event.actor_label,
                "at": moment(event.at, zone),
                "note": event.note,
                "extra": event.extra,
            }
            for event in dossier.events.all()
        ],
    }
