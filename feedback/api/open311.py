"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) for neighbourhood reports.

Services are the report categories; `service_request_id` is the tracking code. Every answer
in `.json` or `.xml` (`open311_formats.py`). Errors follow the specification: a list of
`{"code": <HTTP status>, "description"}` (XML: `<errors><error>`) with that status (403 for a
missing or unknown `api_key`, 400 for a bad or missing field, 404 for an unknown service or
request).

Routing: a POST may name the ward or commune in `jurisdiction_id` (its GSO code, as in
`GET /api/v1/units/`); without it the request is routed by its location where the wards' areas
are known, else to the city's triage desk (`feedback/routing.py`).

Privacy: `email`, `first_name`, `last_name` and `phone` of a POST reach the ward's staff only;
no response ever carries them, and `media_url` is ignored (photos come through the portal).
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from feedback import selectors, services
from feedback.api.open311_formats import FORMATS, JSON, answer
from feedback.models import EMERGENCY_CATEGORIES, Category, Channel, Open311Key
from portal.core import limits
from portal.core.errors import DomainError, NotFound
from portal.core.site import site_url
from procedures.models import Unit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-03-01T00:00:00+07:00"

# Per service: (keywords, group). Groups gather services the way Huế's Hue-S app does.
SERVICE_META = {
    Category.RUBBISH: ("rác, môi trường, rubbish, litter, waste", "environment"),
    Category.PAVEMENT: ("lấn chiếm vỉa hè, pavement, sidewalk, street vendors", "urban order"),
    Category.SECURITY: ("an ninh, trật tự, security, noise, disorder", "urban order"),
    Category.FIRE: ("cháy, cứu hộ, cứu nạn, fire, rescue, emergency", "emergency"),
    Category.ROADS: ("đường, chiếu sáng, road, pothole, street light", "infrastructure"),
    Category.FLOODING: ("ngập, lụt, flooding, drainage", "infrastructure"),
    Category.OTHER: ("khác, other", "other"),
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        self.status = status
        self.description = description
        super().__init__(description)


def _error(status: int, description: str, fmt: str) -> HttpResponse:
    return answer(
        [{"code": status, "description": description}], fmt=fmt, root="errors", status=status
    )


def open311_view(view):
    """Turn Open311 and domain errors into the specification's error list, in the asked format."""

    def wrapped(request, *args, **kwargs):
        fmt = kwargs.get("fmt", JSON) if kwargs.get("fmt") in FORMATS else JSON
        try:
            return view(request, *args, **kwargs)
        except Open311Error as exc:
            return _error(exc.status, exc.description, fmt)
        except NotFound as exc:
            return _error(404, str(exc.message), fmt)
        except DomainError as exc:
            return _error(
                exc.status if exc.status in (400, 403, 404, 409) else 400, str(exc.message), fmt
            )

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _service(category: Category) -> dict:
    keywords, group = SERVICE_META[category]
    description = str(category.label)
    if category in EMERGENCY_CATEGORIES:
        description += ". " + _("The ward leader is told at once; for a fire also call 114.")
    return {
        "service_code": category.value,
        "service_name": str(category.label),
        "description": description,
        "metadata": False,
        "type": "realtime",
        "keywords": keywords,
        "group": group,
    }


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _request_output(report) -> dict:
    """Public fields only: never the contact details or who reported."""
    view = selectors.public_view(report)
    return {
        "service_request_id": view.code,
        "status": "open" if view.is_open else "closed",
        "status_notes": view.answer or view.state_label,
        "service_name": view.category_label,
        "service_code": view.category,
        "description": view.description,
        "agency_responsible": view.unit_name,
        "service_notice": "",
        "requested_datetime": _iso(view.created_at),
        "updated_datetime": _iso(view.updated_at),
        "expected_datetime": _iso(view.pickup_due_at) if view.state == "new" else None,
        "address": view.address,
        "address_id": "",
        "zipcode": "",
        "lat": view.latitude,
        "long": view.longitude,
        "media_url": "",
    }


@require_GET
@open311_view
def discovery(request, fmt):
    return answer(
        {
            "changeset": CHANGESET,
            "contact": _("The public administration service centre of your ward or commune."),
            "key_service": _("Ask the city's digital transformation office for an API key."),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": f"{site_url()}/open311/v2",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt=fmt,
        root="discovery",
    )


@require_GET
@open311_view
def services_list(request, fmt):
    return answer([_service(c) for c in Category], fmt=fmt, root="services")


@require_GET
@open311_view
def service_definition(request, code, fmt):
    if code not in Category.values:
        raise Open311Error(404, _("No service has this code."))
    # metadata is false for every service: no extra attributes to fill in.
    return answer({"service_code": code, "attributes": []}, fmt=fmt, root="service_definition")


def _moment(value: str, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise Open311Error(400, _("Dates are ISO 8601, e.g. 2026-03-10T09:00:00+07:00."))
        moment = datetime.combine(day, time.max if end else time.min)
    if not limits.date_in_range(moment):
        raise Open311Error(
            400,
            _("Dates lie between %(earliest)s and %(latest)s.")
            % {"earliest": limits.EARLIEST, "latest": limits.LATEST},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _list(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests_endpoint(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    statuses = _list(params.get("status", ""))
    if set(statuses) - {"open", "closed"}:
        raise Open311Error(400, _("status is open or closed."))
    reports = selectors.open311_requests(
        ids=_list(params.get("service_request_id", "")),
        service_codes=_list(params.get("service_code", "")),
        start=_moment(params.get("start_date", "")),
        end=_moment(params.get("end_date", ""), end=True),
        statuses=statuses,
        jurisdiction=params.get("jurisdiction_id", "").strip(),
    )
    return answer([_request_output(r) for r in reports], fmt=fmt, root="service_requests")


@require_GET
@open311_view
def request_detail(request, request_id, fmt):
    try:
        report = selectors.public_get(code=request_id)
    except NotFound:
        raise Open311Error(404, _("No public request has this id.")) from None
    return answer([_request_output(report)], fmt=fmt, root="service_requests")


def _api_key(request) -> Open311Key:
    value = request.POST.get("api_key", "").strip()
    key = Open311Key.objects.filter(key=value, is_active=True).first() if value else None
    if key is None:
        raise Open311Error(403, _("A valid api_key is required to post a request."))
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def _coordinate(value: str, name: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise Open311Error(400, _("%(name)s is not a number.") % {"name": name}) from None
    if not number.is_finite():
        raise Open311Error(400, _("%(name)s is not a number.") % {"name": name})
    # A latitude lies within ±90 degrees, a longitude within ±180 (quantizing 1e400 raised).
    bound = 90 if name == "lat" else 180
    if not -bound <= number <= bound:
        raise Open311Error(
            400,
            _("%(name)s must lie between -%(bound)s and %(bound)s.")
            % {"name": name, "bound": bound},
        )
    return number.quantize(Decimal("0.000001"))


def _create(request, fmt):
    key = _api_key(request)
    data = request.POST
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    if code not in Category.values:
        raise Open311Error(404, _("No service has this code."))
    lat = _coordinate(data.get("lat", ""), "lat")
    long = _coordinate(data.get("long", ""), "long")
    address = data.get("address_string", "").strip()
    if (lat is None or long is None) and not address:
        raise Open311Error(400, _("A location is required: lat and long, or address_string."))
    jurisdiction = data.get("jurisdiction_id", "").strip()
    unit = None
    if jurisdiction:
        unit = Unit.objects.filter(code=jurisdiction).first()
        if unit is None or not unit.is_commune_level:
            raise Open311Error(400, _("jurisdiction_id is not the code of a ward or commune."))
    if not data.get("description", "").strip():
        raise Open311Error(400, _("description is required."))
    name = f"{data.get('last_name', '').strip()} {data.get('first_name', '').strip()}".strip()
    report = services.report_create(
        category=code,
        description=data.get("description", ""),
        unit=unit,
        latitude=lat if long is not None else None,
        longitude=long if lat is not None else None,
        address=address,
        contact=services.Contact(
            name=name, phone=data.get("phone", ""), email=data.get("email", "")
        ),
        channel=Channel.OPEN311,
        open311_key=key,
    )
    notice = _("Sent to %(unit)s. Follow it at %(url)s") % {
        "unit": report.unit.name,
        "url": site_url() + reverse("feedback:follow", args=[report.code]),
    }
    return answer(
        [{"service_request_id": report.code, "service_notice": notice, "account_id": None}],
        fmt=fmt,
        root="service_requests",
        status=201,
    )
