"""Selectors: the dossier domain's reads, scoped to the actor (anyone else gets 404), one module
per concern, re-exported here."""

from applications.selectors.citizen import (
    my_dossier,
    my_dossiers,
    my_draft,
    my_drafts,
    open_draft_for,
    profile_prefill,
    sent_draft_dossier,
)
from applications.selectors.complaints import (
    leader_complaints,
)
from applications.selectors.dossiers import (
    dossier_get,
    dossier_list,
    dossier_lookup,
    work_queue,
)
from applications.selectors.lookup import (
    LookupCooling,
    dossier_lookup_guarded,
)
from applications.selectors.stats import (
    cohort,
    counts,
    counts_by,
    figures,
    overdue_dossiers,
    progress_score,
    satisfaction,
    satisfaction_score,
)
from applications.selectors.tickets import (
    CounterBoard,
    WaitStats,
    counter_get,
    counter_ticket,
    counters_for,
    current_ticket,
    display_board,
    kiosk_fields,
    kiosk_ticket,
    people_ahead,
    public_unit,
    today_tickets,
    wait_stats,
    waiting_for,
)

__all__ = [
    "CounterBoard",
    "LookupCooling",
    "WaitStats",
    "cohort",
    "counter_get",
    "counter_ticket",
    "counters_for",
    "counts",
    "counts_by",
    "current_ticket",
    "display_board",
    "dossier_get",
    "dossier_list",
    "dossier_lookup",
    "dossier_lookup_guarded",
    "figures",
    "kiosk_fields",
    "kiosk_ticket",
    "leader_complaints",
    "my_dossier",
    "my_dossiers",
    "my_draft",
    "my_drafts",
    "open_draft_for",
    "overdue_dossiers",
    "people_ahead",
    "profile_prefill",
    "progress_score",
    "public_unit",
    "satisfaction",
    "satisfaction_score",
    "sent_draft_dossier",
    "today_tickets",
    "wait_stats",
    "waiting_for",
    "work_queue",
]
