"""Huế's real units (since 1 July 2025) and the demo procedure catalogue.

Sources: procedures/data/*.csv, copied from the project's reference data with their source
columns (Resolution 1675/NQ-UBTVQH15; GSO codes of Decision 19/2025/QĐ-TTg).
"""

import csv
import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from procedures.importing import read_procedure_file
from procedures.models import Unit, UnitKind
from procedures.services import ImportResult, procedures_import
from procedures.text import fold

DATA = Path(__file__).resolve().parent / "data"
PROVINCE_CODE = "46"  # GSO code of Huế city (centrally-run city since 1 January 2025)
# GSO codes of the two demo wards the demo staff serve.
KIM_LONG = "19774"
THUAN_HOA = "19789"
CATALOGUE_FILE = DATA / "procedures_hue.json"


def _read_csv(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _upsert(code: str, **values) -> Unit:
    unit, created = Unit.objects.get_or_create(code=code, defaults=values)
    if not created:
        changed = [k for k, v in values.items() if getattr(unit, k) != v]
        if changed:
            for key in changed:
                setattr(unit, key, values[key])
            unit.save(update_fields=changed)
    return unit


@transaction.atomic
def seed_units() -> dict[str, int]:
    province = _upsert(
        PROVINCE_CODE,
        name_vi="Thành phố Huế",
        name_en="Huế City",
        kind=UnitKind.PROVINCE,
        address="",
        address_source="",
        source="Resolution 1314/NQ-UBTVQH15 (centrally-run city from 01/01/2025)",
    )
    districts: dict[str, Unit] = {}
    for row in _read_csv("hue_legacy_districts.csv"):
        districts[row["name_vi"]] = _upsert(
            row["gso_district_code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            kind=UnitKind.LEGACY,
            legacy_level="district",
            parent=province,
            source=row["source"],
        )
    supplement = {row["code"]: row for row in _read_csv("hue_units_supplement.csv")}
    rows = _read_csv("hue_units.csv")
    codes = _former_unit_codes(rows, districts, province)
    current = 0
    former = 0
    for row in rows:
        extra = supplement.get(row["code"], {})
        unit = _upsert(
            row["code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            kind=row["kind"],
            parent=province,
            address=extra.get("admin_seat", "").strip(),
            address_source=extra.get("source", "") if extra.get("admin_seat", "").strip() else "",
            area_km2=Decimal(extra["area_km2"]) if extra.get("area_km2") else None,
            population=int(extra["population"]) if extra.get("population") else None,
            source=row["source"],
        )
        current += 1
        fed_by = [districts[name.strip()] for name in row["former_district"].split(";")]
        # Where a unit was formed from communes of several districts, the source does not say
        # which commune was in which district: those former communes hang under the province.
        parent = fed_by[0] if len(fed_by) == 1 else province
        for name in _former_names(row):
            code = codes[(parent.code, name)]
            # Before issue 11 both names of a collision got the plain folded code: the row that
            # holds it now bears the last name written; give it its own code.
            Unit.objects.filter(
                code=_folded_code(parent.code, name), name_vi=name, legacy_level="commune"
            ).exclude(code=code).update(code=code)
            old = _upsert(
                code,
                name_vi=name,
                name_en="",
                kind=UnitKind.LEGACY,
                legacy_level="commune",
                parent=parent,
                source=row["source"].split(";")[0],
            )
            old.successors.add(unit)
            former += 1
        # A former district's dossiers go to the units that took over its communes.
        for district in fed_by:
            district.successors.add(unit)
    return {"province": 1, "districts": len(districts), "units": current, "former_units": former}


def _former_names(row: dict) -> list[str]:
    return [n.strip() for n in row["former_units"].split(";") if n.strip()]


def _parent_code(row: dict, districts: dict[str, Unit], province: Unit) -> str:
    fed_by = [districts[name.strip()] for name in row["former_district"].split(";")]
    return fed_by[0].code if len(fed_by) == 1 else province.code


def _folded_code(parent_code: str, name: str) -> str:
    return f"{parent_code}.{slugify(fold(name))}"


def _former_unit_codes(rows, districts, province) -> dict[tuple[str, str], str]:
    """Each former ward's or commune's code: its former district, a dot, its folded name.

    Folding drops the diacritics, so two names can meet (Phường Hương Văn and Phường Hương Vân
    both fold to "phuong-huong-van", and one was lost). A folded name shared by two different
    names gets a suffix from the exact name (the first 6 hex digits of its SHA-256), so neither is
    lost; every other code stays as it was. A collision left is an error, never a silent merge.
    """
    pairs = {
        (_parent_code(row, districts, province), name)
        for row in rows
        for name in _former_names(row)
    }
    folded = Counter(_folded_code(parent, name) for parent, name in pairs)
    codes = {}
    for parent, name in pairs:
        code = _folded_code(parent, name)
        if folded[code] > 1:
            code = f"{code}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
        codes[(parent, name)] = code
    if len(set(codes.values())) != len(codes):
        raise ValueError("Two former units still share a code; give one a distinct code.")
    return codes


def seed_catalogue() -> ImportResult:
    return procedures_import(records=read_procedure_file(CATALOGUE_FILE))
