"""Reads of the procedures app: the finder's search and the catalogue."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.core.time import VN_TZ
from procedures import snapshot
from procedures.models import Level, Procedure, ProcedureVersion, RequiredDocument, Unit
from procedures.text import fold
from procedures.workingtime import is_provisional

MAX_QUERY_LENGTH = 200
MAX_TOKENS = 12


def normalise_query(query: str) -> list[str]:
    """The folded words of a search, bounded so that a 10,000-character query costs nothing."""
    return fold(query[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].split()[:MAX_TOKENS]


def procedure_catalogue() -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version", "field")
        .order_by("code")
    )


def published_procedure(code: str, catalogue: "snapshot.Snapshot | None") -> Procedure | None:
    """A procedure of the catalogue by code, with its current version and that version's
    documents: from the worker's snapshot `catalogue` (no query; issue 10, a submission reads it
    each time), or PostgreSQL when there is none (`snapshot.shared()` while the shared cache does
    not answer)."""
    if catalogue is not None:
        return catalogue.procedure(code)
    return procedure_catalogue().filter(code=code).first()


def unit_by_code(code: str, catalogue: "snapshot.Snapshot | None") -> Unit | None:
    """A unit by code: a ward or commune from the snapshot `catalogue`, any other from
    PostgreSQL."""
    found = catalogue.unit(code) if catalogue is not None else None
    return found or Unit.objects.filter(code=code).first()


def procedure_search(
    *,
    query: str = "",
    field: str = "",
    level: str = "",
    catalogue: "snapshot.Snapshot | None" = None,
) -> list[Procedure]:
    """Procedures matching every word of the query, diacritics ignored, best match first.

    Ranking: the whole phrase at the start of the name, then the whole phrase in the name,
    then every word in the name, then matches in the field; shorter names first within a rank.
    Read from the worker's snapshot of the catalogue (procedures/snapshot.py), in catalogue
    order (by code), as `procedure_catalogue()` would give them. A page that reads the snapshot
    for more passes it as `catalogue` (one check of the shared cache per request).
    """
    catalogue = catalogue or snapshot.current()
    tokens = normalise_query(query)
    # The key holds nothing unbounded from the request: the whole query counts only when it is
    # a procedure's code (ranked first), and an unknown field or level matches nothing.
    code = query.strip() if query.strip() in catalogue.by_code else ""
    key = (
        tuple(tokens),
        code,
        field if not field or field in catalogue.field_codes else "?",
        level if not level or level in Level.values else "?",
    )
    return catalogue.searched(
        key, lambda: _search(catalogue.procedures, query, tokens, field=field, level=level)
    )


def _search(
    procedures: list[Procedure], query: str, tokens: list[str], *, field: str, level: str
) -> list[Procedure]:
    if field:
        procedures = [p for p in procedures if p.field.code == field]
    if level:
        procedures = [p for p in procedures if p.level == level]
    if not tokens:
        return list(procedures)
    matches = [p for p in procedures if all(t in _search_text(p) for t in tokens)]
    phrase = " ".join(tokens)

    def rank(procedure: Procedure) -> tuple[int, int, str]:
        version = procedure.current_version
        assert version is not None  # the catalogue holds only procedures with a current version
        name = version.name_folded
        name_en = version.name_en_folded
        code_hit = procedure.code == query.strip()
        if code_hit:
            score = 0
        elif name.startswith(phrase) or name_en.startswith(phrase):
            score = 1
        elif phrase in name or phrase in name_en:
            score = 2
        elif all(t in name.split() or t in name_en.split() for t in tokens):
            score = 3
        else:
            score = 4
        return (score, len(name), procedure.code)

    return sorted(matches, key=rank)


def _search_text(procedure: Procedure) -> str:
    version = procedure.current_version
    assert version is not None
    return version.search_text


def provisional_note(moment: date | datetime | None) -> str | None:
    """A warning when `moment` falls in a year with no government holiday decision yet, else None.

    Issue 11: such a year is computed from the Labour Code alone (procedures/data/calendar_vn.toml
    has no swaps for it yet), so a due moment in it may move when the decision is published.
    """
    if moment is None or not is_provisional(moment):
        return None
    year = moment.astimezone(VN_TZ).year if isinstance(moment, datetime) else moment.year
    return _(
        "Provisional: the government has not yet published its holiday decision for %(year)s; "
        "this date may change."
    ) % {"year": year}


def documents_required(
    version: ProcedureVersion, conditions: Iterable[int] = ()
) -> list[RequiredDocument]:
    """The documents a dossier of `version` must carry: the one rule, wherever it is checked.

    A document is required when it is always required, or when it has a condition ("khi xin cấp
    lại", "trường hợp ...") and the applicant or the clerk stated that the condition applies (its
    id is in `conditions`). Issue 11: a conditional document never blocks by itself; asking for
    papers beyond the procedure's list is prohibited (LEGAL.md, "Reception and processing").
    """
    stated = set(conditions)
    return [
        document
        for document in version.documents.all()
        if document.required or (document.condition and document.pk in stated)
    ]
