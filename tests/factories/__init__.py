"""Factories for the rows a test needs, one trait per state (after Open Zaak's
`zaken/tests/factories.py`).

Units, procedures and people are plain rows. Dossiers and reports are never written field by
field: the factory creates them through the real services (`dossier_create`, `dossier_receive`,
`report_create`, ...) and walks them to the state a trait names, so every code comes from the
real counter (`<unit>-<yymmdd>-<nnnn>`), every due moment from the real calendar, every history
row and clock stop as the services write them. A factory cannot build a dossier the services
could not have produced.

    dossier = DossierFactory(in_review=True)                    # received and handed on
    dossier = DossierFactory(awaiting_supplement=True, at=...)  # walked at a frozen moment
    report = ReportFactory(assigned=True)

`at` freezes the clock for the whole walk (every step at the same moment); a test that needs
steps at different moments calls the services itself. The dossier's unit gets its own clerk,
specialist and leader (`staff(unit, role)`), so a test reads who acted from the factory.
"""

from tests.factories.catalogue import (
    PASSWORD,
    FieldFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    StaffFactory,
    StaffRoleFactory,
    UnitFactory,
    UserFactory,
    required_documents,
    staff,
)
from tests.factories.dossiers import OVERDUE_AGO, DossierFactory, pdf
from tests.factories.reports import ReportFactory

__all__ = [
    "OVERDUE_AGO",
    "PASSWORD",
    "DossierFactory",
    "FieldFactory",
    "ProcedureFactory",
    "ProcedureVersionFactory",
    "ReportFactory",
    "StaffFactory",
    "StaffRoleFactory",
    "UnitFactory",
    "UserFactory",
    "pdf",
    "required_documents",
    "staff",
]
