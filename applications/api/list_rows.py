"""The API dossier list's page, serialised from plain values (issue 10).

`DossierOutput` (a ModelSerializer) documents the row and serialises a single dossier; the list
builds the very same fields from one narrow `.values()` read of the page's ids, without a model
instance or a serializer field per value. tests/applications/test_dossier_list_keyset.py checks
that both give the same JSON for every row."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.utils.urls import remove_query_param, replace_query_param

from applications import access, timeliness
from applications.selectors import staff_lists
from applications.selectors.staff_lists import COUNT_BOUND, Window
from portal.core.privacy import mask
from procedures.labels import labels as catalogue_labels

COLUMNS = (
    "id", "code", "state", "channel", "applicant_name", "applicant_id_number", "applicant_phone",
    "submitted_at", "received_at", "due_at", "appointment_at", "sets", "apology_due_at",
    "resolved_at", "returned_at", "clock_stopped_at", "fee_vnd", "result_number", "reason",
    "legacy_code", "is_transferred", "version", "handling_unit_id", "receiving_unit_id",
    "applicant_user_id", "procedure_id", "procedure_version_id", "assignee_id",
    "assignee__username",
)  # fmt: skip


def moment(value: datetime | None, zone) -> str | None:
    """DRF's DateTimeField output: ISO 8601 in the current time zone, UTC written `Z`."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class Moments(dict):
    """`moment(value, zone)` of each value asked for, each distinct value written once: a page's
    due moments and appointments repeat (the end of a working day)."""

    def __init__(self, zone) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, value: datetime | None) -> str | None:
        text = self[value] = moment(value, self.zone)
        return text


def labels(page: list[dict[str, Any]]) -> dict[tuple[str, int], tuple[str, str, int]]:
    """(table, id) -> (code or name, English name, version number) for the page's rows: the
    catalogue's from the worker's snapshot (`procedures.labels`; no query once it holds them),
    the assignee's username from the row (the page's query reads it)."""
    if not page:
        return {}
    catalogue = catalogue_labels(
        units={row["handling_unit_id"] for row in page}
        | {row["receiving_unit_id"] for row in page},
        procedures={row["procedure_id"] for row in page},
        versions={row["procedure_version_id"] for row in page},
    )
    found: dict[tuple[str, int], tuple[str, str, int]] = {}
    for row in page:
        for kind, pk in (
            ("unit", row["handling_unit_id"]),
            ("unit", row["receiving_unit_id"]),
            ("procedure", row["procedure_id"]),
        ):
            if (kind, pk) not in found:
                found[(kind, pk)] = (catalogue.raw(kind, pk)[0], "", 0)
        version = row["procedure_version_id"]
        if ("version", version) not in found:
            found[("version", version)] = catalogue.raw("version", version)[1:4]
        if row["assignee_id"] is not None:
            found[("user", row["assignee_id"])] = (row["assignee__username"], "", 0)
    return found


def rows(user, page: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The page's rows (`COLUMNS` of each), as `DossierOutput` would write them."""
    actions = access.available_actions_of_rows(user, page)
    found = labels(page)
    at = Moments(timezone.get_current_timezone())
    english = (get_language() or "vi").startswith("en")
    return [
        row_json(row, allowed, found, at=at, english=english, now=now)
        for row, allowed in zip(page, actions, strict=True)
    ]


def row_json(
    row: dict[str, Any],
    allowed: list[str],
    found: dict[tuple[str, int], tuple[str, str, int]],
    *,
    at: Moments,
    english: bool,
    now: datetime,
) -> dict[str, Any]:
    """One dossier's `DossierOutput` fields from its plain values (`COLUMNS`), the labels of its
        related rows (`found`, as `labels` gives them) and the actions it allows the user; `at`
    writes its moments in the current time zone."""
    name, name_en, number = found[("version", row["procedure_version_id"])]
    if english and name_en:
        name = name_en
    assignee = found.get(("user", row["assignee_id"])) if row["assignee_id"] else None
    return {
        "code": row["code"],
        "state": row["state"],
        "timeliness": timeliness.timeliness(
            state=row["state"],
            due_at=row["due_at"],
            resolved_at=row["resolved_at"],
            clock_stopped_at=row["clock_stopped_at"],
            now=now,
        ),
        "procedure": found[("procedure", row["procedure_id"])][0],
        "procedure_name": name,
        "procedure_version": number,
        "receiving_unit": found[("unit", row["receiving_unit_id"])][0],
        "handling_unit": found[("unit", row["handling_unit_id"])][0],
        "channel": row["channel"],
        "applicant_name": row["applicant_name"],
        "applicant_id_number": mask(row["applicant_id_number"]),
        "applicant_phone": mask(row["applicant_phone"]),
        "assignee": assignee[0] if assignee else None,
        "submitted_at": at[row["submitted_at"]],
        "received_at": at[row["received_at"]],
        "due_at": at[row["due_at"]],
        "appointment_at": at[row["appointment_at"]],
        "sets": row["sets"],
        "apology_due_at": at[row["apology_due_at"]],
        "resolved_at": at[row["resolved_at"]],
        "returned_at": at[row["returned_at"]],
        "fee_vnd": row["fee_vnd"],
        "result_number": row["result_number"],
        "reason": row["reason"],
        "legacy_code": row["legacy_code"],
        "is_transferred": row["is_transferred"],
        "version": row["version"],
        "actions": allowed,
    }


def links(request, window: Window) -> tuple[str | None, str | None]:
    """The next and previous pages' addresses: a cursor after the last row, before the first."""
    url = remove_query_param(request.build_absolute_uri(), "page")
    following = preceding = None
    if window.has_next and window.last:
        following = replace_query_param(url, "cursor", window.last.token("a"))
    if window.has_previous and window.first:
        preceding = replace_query_param(url, "cursor", window.first.token("b"))
    return following, preceding


KEYSET_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        str,
        description="The page after or before a row: the value that a `next` or `previous` "
        "link carries (as cheap deep in a long list as on its first page).",
    ),
    OpenApiParameter(
        "count",
        str,
        enum=["exact"],
        description="`exact`: count every matching dossier, however many. Without it, `count` "
        f"is exact up to {COUNT_BOUND:,} and null above that.",
    ),
]
COUNT_HELP = (
    f"The number of matching dossiers, always exact; null when more than {COUNT_BOUND:,} match "
    "and `count=exact` was not asked (then follow `next` to the end)."
)


def page_number(request, paginator) -> int | str:
    """The `page` asked for, refused as the paged answer always did: empty is a 400, anything
    but a whole number from 1 (or `last`) a 404."""
    raw = request.query_params.get(paginator.page_query_param)
    if raw in paginator.last_page_strings:
        return "last"
    if raw == "":
        paginator.get_page_number(request, None)  # the 400 every paged answer gives
    raw = raw or "1"
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise NotFound(paginator.invalid_page_message)
    return int(raw)


def keyset_page(request, paginator) -> dict[str, Any]:
    """`{"count", "next", "previous", "results"}` for the user's dossiers (issue 10)."""
    size = paginator.get_page_size(request)
    number = page_number(request, paginator)
    params = request.query_params
    exact = params.get("count") == "exact"
    filters = {key: params.get(key) for key in FILTERS if params.get(key)}
    if number == "last":
        total = staff_lists.window(user=request.user, filters=filters, size=1, exact_count=True)
        number = max(1, -(-(total.count or 0) // size))
        exact = True
    window = staff_lists.window(
        user=request.user,
        filters=filters,
        size=size,
        page=number,
        cursor=params.get("cursor", ""),
        exact_count=exact,
        columns=COLUMNS,
    )
    if number > 1 and not window.rows and "cursor" not in params:
        raise NotFound(paginator.invalid_page_message)
    following, preceding = links(request, window)
    return {
        "count": window.count,
        "next": following,
        "previous": preceding,
        "results": rows(request.user, window.rows, timezone.now()),
    }


FILTERS = ("state", "unit", "legacy_code", "procedure", "field", "channel", "assignee", "overdue")
