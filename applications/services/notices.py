"""What citizens and staff are told about dossiers, and who is told.

Services call the `notify_*` functions after the history row, inside their transaction: the
notice is stored with the event and sent after commit (portal/notifications/services.py). Each
notice has a key made of the event, the recipient and the channel, so repeating the event's code
(a retried request, a sweep run twice) never tells anyone twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone

from applications.models import Dossier
from portal.accounts.models import User
from portal.core.site import absolute, site_url
from portal.core.time import when
from portal.notifications.models import Notification
from portal.notifications.services import Notice, language_of, notify_each

SMS, EMAIL, INAPP = (
    Notification.Channel.SMS,
    Notification.Channel.EMAIL,
    Notification.Channel.INAPP,
)


def day(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


def dossier_context(dossier: Dossier) -> dict[str, Any]:
    version = dossier.procedure_version
    unit = dossier.receiving_unit
    return {
        "code": dossier.code,
        "name": dossier.applicant_name,
        "procedure_vi": version.name_vi,
        "procedure_en": version.name_en or version.name_vi,
        "unit_vi": unit.name_vi,
        "unit_en": unit.name_en or unit.name_vi,
        "due": when(dossier.due_at),
        "site": site_url(),
        # The dossier's own look-up page (the code only; the page asks the phone's last digits).
        "lookup": absolute(f"/tra-cuu/?{urlencode({'code': dossier.code})}"),
    }


def _tell_citizen(
    dossier: Dossier, *, template: str, event: str, context: dict[str, Any]
) -> list[int]:
    """SMS to the applicant's phone and e-mail to their address, in their language, stored in one
    statement; returns the ids of the notices stored (none twice for one event)."""
    user = dossier.applicant_user
    phone = dossier.applicant_phone or getattr(user, "phone", "")
    address = dossier.applicant_email or getattr(user, "email", "")
    language = language_of(user)
    return notify_each(
        Notice(
            channel=channel,
            template=template,
            dedupe_key=f"{event}:{dossier.pk}:citizen:{channel}",
            context=context,
            recipient=user,
            language=language,
            dossier_id=dossier.pk,
            **target,
        )
        for channel, target in ((SMS, {"phone": phone}), (EMAIL, {"address": address}))
    )


def notify_submitted(dossier: Dossier) -> list[int]:
    """The online submission confirmed to the citizen: its code and what happens next."""
    return _tell_citizen(
        dossier,
        template="dossier_submitted",
        event="submitted",
        context=dossier_context(dossier),
    )


def notify_received(dossier: Dossier) -> list[int]:
    """Form 01 told to the citizen: the receipt code and the appointment."""
    return _tell_citizen(
        dossier,
        template="dossier_received",
        event="received",
        context=dossier_context(dossier),
    )


def notify_supplement_requested(
    dossier: Dossier, *, reason: str, officer: User | None = None
) -> list[int]:
    """Form 02 told to the citizen: what to supply and who guides them."""
    context = dossier_context(dossier)
    context["reason"] = reason
    context["officer"] = officer.display_name if officer is not None else ""
    return _tell_citizen(
        dossier,
        template="supplement_requested",
        event=f"supplement{dossier.supplement_requests}",
        context=context,
    )


def notify_result_ready(dossier: Dossier) -> list[int]:
    context = dossier_context(dossier)
    context["result_number"] = dossier.result_number
    return _tell_citizen(dossier, template="result_ready", event="result", context=context)


def notify_apology_issued(dossier: Dossier, *, reason: str) -> list[int]:
    """Form 04 told to the citizen once the handler issued it, with the new date."""
    context = dossier_context(dossier)
    context["reason"] = reason
    context["new_due"] = when(dossier.apology_due_at)
    return _tell_citizen(dossier, template="apology_issued", event="apology", context=context)


# --- Staff -----------------------------------------------------------------------------------


def handlers(*, assignee: User | None, leaders: list[User]) -> list[User]:
    """Who answers for a dossier: its assignee and the unit's leaders, each once."""
    people = {u.pk: u for u in leaders}
    if assignee is not None:
        people[assignee.pk] = assignee
    return list(people.values())


def staff_notice(
    user: User,
    *,
    template: str,
    event: str,
    context: dict[str, Any],
    dossier_id: int | None = None,
    channel: str = INAPP,
) -> Notice:
    return Notice(
        channel=channel,
        template=template,
        dedupe_key=f"{event}:{user.pk}:{channel}",
        context=context,
        recipient=user,
        address=user.email if channel == EMAIL else "",
        language=language_of(user),
        dossier_id=dossier_id,
    )
