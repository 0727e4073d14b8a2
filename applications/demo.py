"""Demo dossiers: a few hundred across states, wards, channels and fields."""

from applications.generation import generate_dossiers
from applications.models import Dossier
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
