"""The public map of reports and the report form's map (Leaflet, static/vendor): the tile
server from settings, the markers' public data, the wards' boundaries (feedback/data, with their
source) and the "is this yours?" question the form's script asks while the resident places the
point. Public pages: no personal data."""

import json
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from feedback import routing, selectors
from feedback.forms import NearbyForm, commune_units
from feedback.models import HUE_BBOX, Category
from portal.core.errors import ErrorCode

MAP_LIMIT = 500
AREAS_SOURCE = "lamngockhuong/vietnam-3d-map (MIT), gis.vn"  # feedback/data/SOURCE.md
AREAS_MAX_AGE = 24 * 3600  # the boundaries change with a new data file, i.e. a release


def map_settings() -> dict:
    """What the map scripts need: the tile server (a setting) and Huế's extent, as JSON for a
    data attribute (the pages carry no inline script, not even a JSON one)."""
    config = {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
        "bounds": [[HUE_BBOX["south"], HUE_BBOX["west"]], [HUE_BBOX["north"], HUE_BBOX["east"]]],
    }
    return {"map_config": json.dumps(config, ensure_ascii=False)}


@lru_cache(maxsize=1)
def _areas_data() -> dict:
    return json.loads(routing.AREAS_FILE.read_text(encoding="utf-8"))


def _areas_with_seats() -> dict:
    """The boundary file's features, each with its unit's seat address and that address's
    source from the unit data (`seat`, `seat_source`; both None when unknown)."""
    data = _areas_data()
    features = data.get("features", [])
    seats = selectors.unit_seats(str(f.get("properties", {}).get("code", "")) for f in features)
    unknown = {"seat": None, "seat_source": None}
    return {
        **data,
        "features": [
            {
                **feature,
                "properties": {
                    **feature.get("properties", {}),
                    **seats.get(str(feature.get("properties", {}).get("code", "")), unknown),
                },
            }
            for feature in features
        ],
    }


@require_GET
def ward_areas_json(request):
    """The wards' boundaries as GeoJSON (`feedback/data/ward_areas.geojson`, each feature with
    its unit's code, name and source, and its seat address with that address's own source from
    the unit data, or None: unknown), fetched by the map only when the resident shows them, so
    that the map page's first load stays light. 404 while no boundary file is present."""
    if not routing.AREAS_FILE.exists():
        return JsonResponse({"code": ErrorCode.NOT_FOUND, "detail": _("Not found.")}, status=404)
    body = json.dumps(_areas_with_seats(), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body.encode("utf-8"), content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={AREAS_MAX_AGE}"
    return response


@require_GET
def nearby_json(request):
    """ "Is this yours?" while the resident places the point (static/js/report-map.js): open
    public reports of the category near the point, public fields only. Bad input: 400."""
    form = NearbyForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {"code": ErrorCode.INVALID, "detail": _("Check the values you entered.")}, status=400
        )
    values = form.cleaned_data
    nearby = selectors.nearby_open(
        category=values["category"], latitude=values["lat"], longitude=values["lon"]
    )
    return JsonResponse(
        {
            "reports": [
                {
                    "code": n.report.code,
                    "category": n.report.category_label,
                    "state": n.report.state_label,
                    "address": n.report.address,
                    "description": n.report.description[:200],
                    "metres": n.metres,
                    "url": reverse("feedback:follow", args=[n.report.code]),
                }
                for n in nearby
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )


def public_map(request):
    """Public reports on a Leaflet map with clustered markers (static/js/reports-map.js; tiles
    from MAP_TILE_URL) and, for everyone and without JavaScript, the same reports listed by
    ward. The wards' boundaries are a layer the resident may show (`ward_areas_json`, source in
    its attribution), each ward's seat given as its sourced address in the layer's popup and in
    the list; the seats are not marked as points: no public source gives their coordinates."""
    category = request.GET.get("category", "")
    status = request.GET.get("status", "")
    filters = {
        "category": category if category in Category.values else "",
        "status": status if status in ("open", "closed") else "",
        "unit": request.GET.get("unit", "")[:10],
    }
    reports = list(selectors.public_reports(filters).order_by("-created_at", "-id")[:MAP_LIMIT])
    by_unit: dict[str, tuple] = {}
    for report in sorted(reports, key=lambda r: (r.unit.name, -r.created_at.timestamp())):
        unit = report.unit
        by_unit.setdefault(unit.name, (unit, []))[1].append(selectors.public_view(report))
    points = selectors.map_points(reports)
    return render(
        request,
        "feedback/map.html",
        {
            "points": json.dumps(points, ensure_ascii=False),
            "has_points": bool(points),  # the clustering plugin is loaded only then
            **map_settings(),
            "by_unit": [by_unit[name] for name in sorted(by_unit)],
            "count": len(reports),
            "limit": MAP_LIMIT,
            "filters": filters,
            "categories": Category.choices,
            "units": commune_units(),
            "areas_url": reverse("feedback:areas") if routing.AREAS_FILE.exists() else "",
            "areas_source": AREAS_SOURCE,
        },
    )
