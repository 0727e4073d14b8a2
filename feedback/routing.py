"""Which unit a new report goes to, and the distance rule of "is this yours?".

In order:
1. the ward or commune the reporter chose (the form, the portal API, Open311's
   `jurisdiction_id`);
2. else the unit whose area holds the report's point, where the wards' areas are known: the
   polygons of `feedback/data/ward_areas.geojson` (a FeatureCollection whose features carry the
   unit's GSO `code` and the `source` they come from; `feedback/data/SOURCE.md`);
3. else the city's triage desk (the province's unit), whose staff route it to a ward
   (`services.report_route`). DESIGN.md: "a request that names no ward is routed by its
   location (or to the city's triage desk when it has none)".

The areas are Huế's 40 units since 1 July 2025 from a public source (SOURCE.md), simplified
there to about 50 m, so neighbouring polygons may overlap or leave a sliver between them along a
border. A point that no area holds, or that two areas hold, is not guessed: it goes to the
triage desk. A unit the file names that does not exist, or is not a commune-level unit, is
ignored. The file is read once.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import Unit
from procedures.models.units import UnitKind

AREAS_FILE = Path(__file__).resolve().parent / "data" / "ward_areas.geojson"

# "Is this yours?": an open public report of the same category within this many metres.
NEARBY_METRES = 150
EARTH_RADIUS_M = 6_371_000


class RoutedBy(models.TextChoices):
    CHOSEN = "chosen", _("Ward chosen by the reporter")
    LOCATION = "location", _("Ward found from the location")
    TRIAGE = "triage", _("City triage desk (no ward known)")
    DESK = "desk", _("Routed by the triage desk")


Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) pairs, as in GeoJSON


@dataclass(frozen=True)
class Area:
    code: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: its outer ring, then its holes
    bounds: tuple[float, float, float, float] = field(init=False)  # west, south, east, north

    def __post_init__(self) -> None:
        points = [point for polygon in self.polygons for point in polygon[0]]
        lons = [lon for lon, _lat in points]
        lats = [lat for _lon, lat in points]
        object.__setattr__(self, "bounds", (min(lons), min(lats), max(lons), max(lats)))


def _inside_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting: does the horizontal ray from the point cross the ring an odd number of times."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(area: Area, lat: float, lon: float) -> bool:
    west, south, east, north = area.bounds
    if not (west <= lon <= east and south <= lat <= north):
        return False
    for outer, *holes in area.polygons:
        if _inside_ring(lon, lat, outer) and not any(_inside_ring(lon, lat, h) for h in holes):
            return True
    return False


def parse_areas(data: dict) -> tuple[Area, ...]:
    """Areas of a GeoJSON FeatureCollection (Polygon or MultiPolygon, `properties.code`)."""
    areas = []
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        code = str((feature.get("properties") or {}).get("code", ""))
        coordinates = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            coordinates = [coordinates]
        elif geometry.get("type") != "MultiPolygon":
            continue
        polygons = tuple(
            tuple(tuple((float(x), float(y)) for x, y, *_altitude in ring) for ring in polygon)
            for polygon in coordinates
        )
        polygons = tuple(polygon for polygon in polygons if polygon and len(polygon[0]) >= 3)
        if code and polygons:
            areas.append(Area(code, polygons))
    return tuple(areas)


@lru_cache(maxsize=1)
def known_areas() -> tuple[Area, ...]:
    """The wards' areas (`feedback/data/ward_areas.geojson`), or none without that file."""
    if not AREAS_FILE.exists():
        return ()
    return parse_areas(json.loads(AREAS_FILE.read_text(encoding="utf-8")))


def unit_at(lat: float, lon: float) -> Unit | None:
    """The commune-level unit whose known area holds the point; None when no area holds it, or
    when two do (where simplified borders overlap: a person decides, not a guess)."""
    codes = {area.code for area in known_areas() if contains(area, lat, lon)}
    if len(codes) != 1:
        return None
    unit = Unit.objects.filter(code=codes.pop()).first()
    return unit if unit is not None and unit.is_commune_level else None


def triage_desk() -> Unit | None:
    """The city's triage desk: the province's unit (Huế city), or None if there is none."""
    return Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code").first()


def route(
    *, unit: Unit | None, latitude: Decimal | float | None, longitude: Decimal | float | None
) -> tuple[Unit | None, str]:
    """(unit, how): the chosen ward, else the ward found from the point, else the triage desk."""
    if unit is not None:
        return unit, RoutedBy.CHOSEN
    if latitude is not None and longitude is not None:
        found = unit_at(float(latitude), float(longitude))
        if found is not None:
            return found, RoutedBy.LOCATION
    return triage_desk(), RoutedBy.TRIAGE


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
