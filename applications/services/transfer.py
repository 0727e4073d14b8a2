"""Routing a dossier to the competent unit (issue 11, item 4; Decree 118/2025: any centre of the
province receives, the competent unit decides).

The dossier keeps its code, its receiving unit, its appointment and its history; its handling
unit becomes the competent one, whose staff find it in their queue and act on it. The unit it
leaves no longer acts on it (`applications.access.roles_on`); if that unit received it, it keeps
reading it (the one-stop desk answers the applicant), otherwise it no longer sees it. The history
row records both units and the moment the hand-over is due (LEGAL.md: "Transfers between
offices: same day, or the start of the next working day if after 15:00";
`applications.deadlines.transfer_handover_by`).
"""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import deadlines
from applications.errors import InvalidDossier
from applications.models import Dossier
from applications.services.base import _lock, _record, _save, _transition
from applications.workflow import EventType
from portal.accounts.models import User
from procedures.models import Unit
from procedures.models.units import COMMUNE_LEVEL_KINDS
from procedures.services import working_calendar


def _check_destination(dossier: Dossier, unit: Unit) -> None:
    if unit.pk == dossier.handling_unit_id:
        raise InvalidDossier(_("This dossier is already handled by that unit."))
    if not unit.is_commune_level:
        raise InvalidDossier(_("A dossier is transferred to a ward, commune or special zone."))
    province = dossier.handling_unit.parent_id
    if province is not None and unit.parent_id != province:
        raise InvalidDossier(_("A dossier is transferred within the province only."))


@transaction.atomic
def dossier_transfer(
    *,
    dossier: Dossier,
    actor: User,
    unit: Unit,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The handling unit becomes `unit`; the state does not change; the assignee, of the unit
    it leaves, is cleared (the new unit's desk hands it on)."""
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "transfer", actor)
    _check_destination(dossier, unit)
    source = dossier.handling_unit
    now = timezone.now()
    handover_by = deadlines.transfer_handover_by(working_calendar(source), now)
    dossier.handling_unit = unit
    dossier.assignee = None
    _save(dossier, actor, ["handling_unit", "assignee"])
    _record(
        dossier,
        action=EventType.TRANSFER,
        from_state=before,
        actor=actor,
        note=note,
        at=now,
        extra={
            "from_unit": source.code,
            "from_unit_name": source.name_vi,
            "to_unit": unit.code,
            "to_unit_name": unit.name_vi,
            "handover_by": handover_by.isoformat(),
        },
    )
    return dossier


# The units a dossier may be transferred to: the province's other wards, communes and special
# zones, by name. Written once (issue 10): the desk page reads it for every dossier it shows.
_KINDS = ", ".join(f"'{kind.value}'" for kind in COMMUNE_LEVEL_KINDS)
DESTINATIONS_SQL = (
    f"SELECT code, name_vi FROM {Unit._meta.db_table} WHERE kind IN ({_KINDS}) "  # noqa: S608
    "AND id <> %s AND (%s IS NULL OR parent_id = %s) ORDER BY name_vi"
)


def destinations(*, handling_unit_id: int, province_id: int | None) -> list[tuple[str, str]]:
    """(code, Vietnamese name) of the units a dossier handled by `handling_unit_id`, in the
    province `province_id` (None: any), may be transferred to."""
    with connection.cursor() as cursor:
        cursor.execute(DESTINATIONS_SQL, [handling_unit_id, province_id, province_id])
        return [(code, name) for code, name in cursor.fetchall()]
