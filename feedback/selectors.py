"""Reads of reports across a trust boundary.

Public reads (the follow page, the map, the portal API's GET, Open311) go through
`public_view`, which carries no contact details and blanks phone numbers and e-mail addresses a
resident typed into the description. Staff reads are scoped by `access.visible_reports`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import access, routing
from feedback.models import CLOSED_STATES, OPEN_STATES, Report, State
from portal.accounts.models import User
from portal.core.errors import NotFound
from portal.core.privacy import mask, redact
from procedures.models import Unit

Viewer = User | AnonymousUser | None
Filters = Mapping[str, Any]

PUBLIC_ACTIONS = ("submit", "route", "assign", "start", "resolve", "reject")


def public_text(text: str) -> str:
    """A resident's words as shown publicly: phone numbers, citizen ID numbers and e-mail
    addresses blanked (portal/core/privacy.py)."""
    return redact(text)


@dataclass(frozen=True)
class PublicEvent:
    action: str
    state: str
    at: datetime
    note: str


@dataclass(frozen=True)
class PublicReport:
    """What anyone may know about a report: no contact, no reporter, no staff names, no photos."""

    code: str
    category: str
    category_label: str
    description: str
    unit_code: str
    unit_name: str
    latitude: float | None
    longitude: float | None
    address: str
    state: str
    state_label: str
    is_open: bool
    created_at: datetime
    updated_at: datetime
    pickup_due_at: datetime
    resolved_at: datetime | None
    answer: str
    rated: bool
    rating: int | None
    handled_same_day: bool | None
    events: tuple[PublicEvent, ...] = ()


def _same_day(report: Report) -> bool | None:
    if report.resolved_at is None:
        return None
    return timezone.localdate(report.resolved_at) == timezone.localdate(report.created_at)


def public_view(report: Report, *, with_events: bool = False) -> PublicReport:
    """What anyone may know about `report` (with its public history if `with_events`)."""
    events: tuple[PublicEvent, ...] = ()
    if with_events:
        events = tuple(
            PublicEvent(
                action=e.action,
                state=e.to_state,
                at=e.at,
                # Only the answer and the reason are public; staff notes stay inside.
                note=public_text(e.note) if e.action in ("resolve", "reject") else "",
            )
            for e in report.events.all()
            if e.action in PUBLIC_ACTIONS
        )
    return PublicReport(
        code=report.code,
        category=report.category,
        category_label=str(report.get_category_display()),
        description=public_text(report.description),
        unit_code=report.unit.code,
        unit_name=report.unit.name,
        latitude=float(report.latitude) if report.latitude is not None else None,
        longitude=float(report.longitude) if report.longitude is not None else None,
        address=public_text(report.address),
        state=report.state,
        state_label=str(report.get_state_display()),
        is_open=report.is_open,
        created_at=report.created_at,
        updated_at=report.updated_at,
        pickup_due_at=report.pickup_due_at,
        resolved_at=report.resolved_at,
        answer=public_text(report.answer),
        rated=report.rating is not None,
        rating=report.rating,
        handled_same_day=_same_day(report),
        events=events,
    )


def report_by_code(*, code: str, user: Viewer = None, key: str = "") -> Report:
    """The follow page and the API's GET: by code, within `access.may_follow`; without personal data
    (`public_view`). A report the asker may not follow is 404 like an unknown code."""
    report = Report.objects.select_related("unit").filter(code=code.strip()[:40]).first()
    if report is None or not access.may_follow(report, user=user, key=key):
        raise NotFound(_("No report has this code."))
    return report


def public_reports(filters: Filters | None = None) -> QuerySet[Report]:
    """Reports shown on the map and by Open311: the reporter agreed to show them."""
    filters = filters or {}
    reports = Report.objects.filter(is_public=True).select_related("unit")
    if filters.get("category"):
        reports = reports.filter(category__in=str(filters["category"]).split(","))
    if filters.get("unit"):
        reports = reports.filter(unit__code=filters["unit"])
    status = filters.get("status")
    if status == "open":
        reports = reports.filter(state__in=OPEN_STATES)
    elif status == "closed":
        reports = reports.filter(state__in=CLOSED_STATES)
    return reports


def public_get(*, code: str) -> Report:
    """A public report by its code; 404 for an unknown or private one."""
    report = public_reports().filter(code=code).first()
    if report is None:
        raise NotFound(_("No public report has this code."))
    return report


def map_points(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """The map's markers (static/js/reports-map.js): public fields only, through `public_view`;
    reports without coordinates are in the list beside the map, not on it."""
    points = []
    for report in reports:
        if report.latitude is None or report.longitude is None:
            continue
        view = public_view(report)
        points.append(
            {
                "code": view.code,
                "lat": view.latitude,
                "lon": view.longitude,
                "category": view.category_label,
                "state": view.state_label,
                "open": view.is_open,
                "unit": view.unit_name,
                "url": reverse("feedback:follow", args=[view.code]),
            }
        )
    return points


def unit_seats(codes: Iterable[str]) -> dict[str, dict[str, str | None]]:
    """Each unit's People's Committee seat as its source gives it: an address (text, not a map
    point: no public source gives the seats' coordinates) and that address's source, both None
    when unknown. Public data, one query."""
    return {
        code: _seat(address, source)
        for code, address, source in Unit.objects.filter(code__in=list(codes)).values_list(
            "code", "address", "address_source"
        )
    }


def unit_seat(unit: Unit) -> dict[str, str | None]:
    """`unit_seats` for a unit already loaded (no query)."""
    return _seat(unit.address, unit.address_source)


def _seat(address: str, source: str) -> dict[str, str | None]:
    known = bool(address.strip() and source.strip())  # an address with no source is not known
    return {
        "seat": address.strip() if known else None,
        "seat_source": source.strip() if known else None,
    }


@dataclass(frozen=True)
class Nearby:
    report: PublicReport
    metres: int


def nearby_open(
    *,
    category: str,
    latitude: Decimal | float,
    longitude: Decimal | float,
    metres: int = routing.NEARBY_METRES,
) -> list[Nearby]:
    """ "Is this yours?": open public reports of `category` within `metres` of the point, the
    nearest first (at most 5). Reports kept off the map are never offered to others."""
    lat, lon = float(latitude), float(longitude)
    # A box around the point narrows the rows; the great-circle distance decides.
    d_lat = metres / 111_320
    d_lon = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    candidates = (
        public_reports({"category": category, "status": "open"})
        .filter(
            latitude__gte=lat - d_lat,
            latitude__lte=lat + d_lat,
            longitude__gte=lon - d_lon,
            longitude__lte=lon + d_lon,
        )
        .order_by("-created_at")[:50]
    )
    found = []
    for report in candidates:
        if report.latitude is None or report.longitude is None:
            continue
        distance = routing.metres_between(lat, lon, float(report.latitude), float(report.longitude))
        if distance <= metres:
            found.append(Nearby(public_view(report), round(distance)))
    return sorted(found, key=lambda n: n.metres)[:5]


# --- Staff -----------------------------------------------------------------------------------


def staff_reports(*, user: User, filters: Filters | None = None) -> QuerySet[Report]:
    """The reports `user` may see as staff, filtered, the most urgent pick-up first."""
    filters = filters or {}
    reports = access.visible_reports(user).select_related("unit", "assignee")
    if filters.get("state") in State.values:
        reports = reports.filter(state=filters["state"])
    elif filters.get("state") == "open":
        reports = reports.filter(state__in=OPEN_STATES)
    if filters.get("category"):
        reports = reports.filter(category=filters["category"])
    if filters.get("unit"):
        reports = reports.filter(unit__code=filters["unit"])
    if filters.get("mine"):
        reports = reports.filter(assignee=user)
    if filters.get("late"):
        reports = reports.filter(state=State.NEW, pickup_due_at__lt=timezone.now())
    return reports.order_by("pickup_due_at", "id")


def staff_report(*, user: User, code: str) -> Report:
    """One report `user` may see as staff; 404 otherwise."""
    report = (
        access.visible_reports(user)
        .select_related("unit", "assignee", "reporter_user")
        .filter(code=code)
        .first()
    )
    if report is None:
        raise NotFound()
    return report


def masked_phone(report: Report) -> str:
    """The reporter's phone number with its middle digits hidden."""
    return mask(report.contact_phone)


# --- Open311 ---------------------------------------------------------------------------------

OPEN311_DEFAULT_WINDOW = timedelta(days=90)
OPEN311_MAX_RESULTS = 1000


def open311_requests(
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
    jurisdiction: str = "",
) -> QuerySet[Report]:
    """GeoReport v2 `GET requests`: by ids, or the last 90 days by default, at most 1000."""
    reports = public_reports()
    if jurisdiction:
        reports = reports.filter(unit__code=jurisdiction)
    if ids:
        return reports.filter(code__in=ids).order_by("-created_at", "-id")
    if service_codes:
        reports = reports.filter(category__in=service_codes)
    if start is None and end is None:
        start = timezone.now() - OPEN311_DEFAULT_WINDOW
    if start is not None:
        reports = reports.filter(created_at__gte=start)
    if end is not None:
        reports = reports.filter(created_at__lte=end)
    wanted = set(statuses or [])
    if wanted == {"open"}:
        reports = reports.filter(state__in=OPEN_STATES)
    elif wanted == {"closed"}:
        reports = reports.filter(state__in=CLOSED_STATES)
    return reports.order_by("-created_at", "-id")[:OPEN311_MAX_RESULTS]
