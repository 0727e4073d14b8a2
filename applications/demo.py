"""Demo dossiers: a few hundred across states, wards, channels and fields."""

from pathlib import Path

from applications.generation import generate_dossiers
from applications.models import Dossier
from applications.services.backlog import import_backlog, read_backlog
from procedures.models import Unit

DEMO_COUNT = 300
DEMO_PREFIX = "demo"


def seed_dossiers() -> str:
    if Dossier.objects.filter(submission_key__startswith=f"{DEMO_PREFIX}-").exists():
        return "Dossiers: demo dossiers already present"
    # Kim Long first: it gets about a third of them, the rest spread across Huế.
    units = [
        Unit.objects.get(code="19774"),
        *Unit.objects.filter(kind__in=["ward", "commune"]).exclude(code="19774"),
    ]
    made = generate_dossiers(count=DEMO_COUNT, units=units, key_prefix=DEMO_PREFIX, seed=118)
    return f"Dossiers: {made} demo dossiers"


# Synthetic rows in the shape of the dossiers Kim Long inherited from the former Phú Xuân
# district (about 400 in reality; names and phones are made up).
BACKLOG_FILE = Path(__file__).resolve().parent / "data" / "backlog_phu_xuan_kim_long.csv"


def seed_backlog() -> str:
    result = import_backlog(
        rows=read_backlog(BACKLOG_FILE),
        unit=Unit.objects.get(code="19774"),
        legacy=Unit.objects.get(code="475"),
    )
    return (
        f"Backlog from Phú Xuân district: {result.imported} new, "
        f"{result.already_present} already present"
    )
