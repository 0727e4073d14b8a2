from .catalogue import (
    ClockPolicy,
    Field,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
)
from .units import Unit, UnitKind

__all__ = [
    "ClockPolicy",
    "Field",
    "Level",
    "OnlineLevel",
    "Procedure",
    "ProcedureVersion",
    "RequiredDocument",
    "Unit",
    "UnitKind",
]
