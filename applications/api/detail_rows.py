"""The API dossier detail serialised from plain values (issue 10).

`DossierDetailOutput` (a ModelSerializer) documents the answer and still writes it after an
action; `GET /api/v1/dossiers/<code>/` builds the very same fields, in the same order, from
`selectors.detail`'s narrow reads of the dossier, its labels and its history, and a new
dossier's answer from the same row made of the dossier in hand (`detail_values.py`).
tests/applications/test_dossier_detail_values.py checks both give the same JSON."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from applications import access
from applications.api.list_rows import Moments, row_json


def detail_json(
    user, row: dict[str, Any], events: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """`DossierDetailOutput`'s fields for the dossier `row` (`selectors.detail.NAMES`) and its
    history rows."""
    at = Moments(timezone.get_current_timezone())
    found: dict[tuple[str, int], tuple[str, str, int]] = {
        ("procedure", row["procedure_id"]): (row["procedure_code"], "", 0),
        ("version", row["procedure_version_id"]): (
            row["version_name_vi"],
            row["version_name_en"],
            row["version_number"],
        ),
        ("unit", row["handling_unit_id"]): (row["handling_code"], "", 0),
        ("unit", row["receiving_unit_id"]): (row["receiving_code"], "", 0),
    }
    if row["assignee_id"] is not None:
        found[("user", row["assignee_id"])] = (row["assignee_username"], "", 0)
    allowed = access.available_actions_of_rows(user, [row])[0]
    english = (get_language() or "vi").startswith("en")
    out = row_json(row, allowed, found, at=at, english=english, now=now)
    # The detail shows the applicant's numbers whole (the list masks them), and more.
    out["applicant_id_number"] = row["applicant_id_number"]
    out["applicant_phone"] = row["applicant_phone"]
    out["applicant_email"] = row["applicant_email"]
    out["applicant_address"] = row["applicant_address"]
    out["history"] = [
        {
            "action": event["action"],
            "from_state": event["from_state"],
            "to_state": event["to_state"],
            "actor_label": event["actor_label"],
            "at": at[event["at"]],
            "note": event["note"],
            "extra": event["extra"],
        }
        for event in events
    ]
    return out
