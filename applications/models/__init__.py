"""The dossier domain's models, one module per concern; every model is re-exported here so
`from applications.models import Dossier` keeps working (and Django finds them all)."""

from applications.models.citizen import ApplicationDraft, Complaint, DraftAttachment, Rating
from applications.models.delegations import SignatureDelegation
from applications.models.dossier_parts import Attachment, ClockStop
from applications.models.dossiers import Dossier, DossierEvent
from applications.models.events import EventType
from applications.models.payments import Payment, PaymentCallback
from applications.models.rollups import (
    DossierCohort,
    DossierCohortPart,
    DossierRollup,
    DossierRollupAhead,
    DossierRollupMonth,
    DossierRollupTotal,
    DossierRollupUnit,
)
from applications.models.satisfaction import NationalRating
from applications.models.states import (
    APPEND_ONLY,
    CLOCK_RUNNING,
    CLOCK_STOPPED_WAITING,
    FINISHED_STATES,
    NEVER_DELETED,
    OPEN_STATES,
    PROCESSING,
    Channel,
    Regime,
    ReturnMethod,
    State,
)
from applications.models.tickets import QueueTicket, ServiceCounter, TicketState

__all__ = [
    "APPEND_ONLY",
    "CLOCK_RUNNING",
    "CLOCK_STOPPED_WAITING",
    "FINISHED_STATES",
    "NEVER_DELETED",
    "OPEN_STATES",
    "PROCESSING",
    "ApplicationDraft",
    "Attachment",
    "Channel",
    "ClockStop",
    "Complaint",
    "Dossier",
    "DossierCohort",
    "DossierCohortPart",
    "DossierEvent",
    "DossierRollup",
    "DossierRollupAhead",
    "DossierRollupMonth",
    "DossierRollupTotal",
    "DossierRollupUnit",
    "DraftAttachment",
    "EventType",
    "NationalRating",
    "Payment",
    "PaymentCallback",
    "QueueTicket",
    "Rating",
    "Regime",
    "ReturnMethod",
    "ServiceCounter",
    "SignatureDelegation",
    "State",
    "TicketState",
]
