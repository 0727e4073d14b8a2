#!/usr/bin/env python3
"""Write feedback/data/ward_areas.geojson from a public source of Huế's ward boundaries.

The source (feedback/data/SOURCE.md): `public/wards/46.json` of the GitHub repository
lamngockhuong/vietnam-3d-map (MIT), Huế's 40 post-1-July-2025 communes and wards keyed by their
GSO code, each with its rings already simplified there (Douglas-Peucker, 0.0005 degrees) and
rounded to 5 decimals. That file lists a ward's rings flat, outer rings and holes alike; here a
ring inside another ring of the same ward becomes that ring's hole, so that the result is plain
GeoJSON (MultiPolygon). Nothing is moved, added or smoothed.

    python scripts/ward_areas.py SOURCE_JSON REPOSITORY PATH COMMIT \
        > feedback/data/ward_areas.geojson
"""

import csv
import json
import sys
from pathlib import Path

UNITS_CSV = Path(__file__).resolve().parents[1] / "procedures" / "data" / "hue_units.csv"


def inside(lon: float, lat: float, ring: list) -> bool:
    result = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            result = not result
        j = i
    return result


def polygons(rings: list) -> list:
    """Rings nested an even number of times are outer rings; each odd one is a hole of the ring
    that holds it most closely."""
    holders = {
        i: [j for j, other in enumerate(rings) if j != i and inside(*ring[0], other)]
        for i, ring in enumerate(rings)
    }
    outers = [i for i in holders if len(holders[i]) % 2 == 0]
    result = {i: [rings[i]] for i in outers}
    for i, held_by in holders.items():
        if len(held_by) % 2 == 1:
            parent = max((j for j in held_by if j in result), key=lambda j: len(holders[j]))
            result[parent].append(rings[i])
    return [result[i] for i in outers]


def main(source: str, repository: str, path: str, commit: str) -> None:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    with UNITS_CSV.open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    reference = f"{repository} {path} @ {commit[:12]}"
    features = []
    for ward in sorted(data["wards"], key=lambda w: w["id"]):
        if ward["id"] not in codes:
            raise SystemExit(f"{ward['id']} is not one of Huế's units")
        features.append(
            {
                "type": "Feature",
                "properties": {"code": ward["id"], "name": ward["name"], "source": reference},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons(ward["polygons"])},
            }
        )
    if {f["properties"]["code"] for f in features} != codes:
        raise SystemExit("the source does not cover Huế's 40 units")
    collection = {
        "type": "FeatureCollection",
        "source": {"repository": repository, "path": path, "commit": commit},
        "features": features,
    }
    json.dump(collection, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
