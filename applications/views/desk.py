"""The one-stop desk pages (staff login): work queue, walk-in reception, the dossier page."""

from html import escape  # Django's escape is this one, behind a check for lazy strings

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from applications import access, selectors, timeliness, workflow
from applications.api.actions import run_action
from applications.models import Channel, State
from applications.selectors import staff_lists
from portal.core.errors import DomainError, NotFound
from portal.core.pages import page
from portal.notifications import services as notifications
from procedures import snapshot
from procedures.labels import labels
from procedures.selectors import procedure_search

STATE_LABELS = dict(State.choices)
QUEUE_COLUMNS = (
    "id", "code", "state", "due_at", "resolved_at", "clock_stopped_at", "applicant_name",
    "is_transferred", "legacy_code", "procedure_version_id",
)  # fmt: skip


def _without_page(request) -> str:
    """The current filters as a query string, for the pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("cursor", None)
    return params.urlencode()


@login_required
def work_queue(request):
    """Open dossiers of the user's units in due order (the overdue come first), read as issue 10
    says: a keyset window over the units' partial indexes, narrow rows, labels once per page."""
    if not access.is_staff_member(request.user):
        raise PermissionDenied
    filters = {
        k: request.GET.get(k, "")[:60]
        for k in ("state", "overdue", "procedure", "field", "channel")
    }
    if filters["state"] not in State.values:
        filters["state"] = ""
    if filters["channel"] not in Channel.values:
        filters["channel"] = ""
    if request.GET.get("mine"):
        filters["assignee"] = request.user.username
    query = request.GET.get("q", "").strip()[:100]
    unread = _unread_count_sql(request.user)
    raw_page = request.GET.get("page", "")
    number = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and raw_page != "0" else 1
    try:
        window = staff_lists.window(
            user=request.user,
            filters=filters,
            size=QUEUE_PAGE,
            page=number,
            cursor=request.GET.get("cursor", "")[:200],
            open_only=True,
            search=query,
            columns=QUEUE_COLUMNS,
            also=unread,
        )
    except staff_lists.BadCursor:  # a cursor typed by hand: the first page
        window = staff_lists.window(
            user=request.user,
            filters=filters,
            size=QUEUE_PAGE,
            open_only=True,
            search=query,
            columns=QUEUE_COLUMNS,
            also=unread,
        )
    keep = _without_page(request)
    return render(
        request,
        "desk/queue.html",
        {
            "window": window,
            "count_bound": staff_lists.COUNT_BOUND,
            "rows": rows_html(queue_rows(window.rows, timezone.now())),
            "next_cursor": window.last.token("a") if window.has_next and window.last else "",
            "previous_cursor": (
                window.first.token("b") if window.has_previous and window.first else ""
            ),
            "states": [(s.value, s.label) for s in State if s.value in workflow.OPEN_STATES],
            "filters": filters,
            "query": query,
            "mine": bool(request.GET.get("mine")),
            "unread_notices": (
                window.also
                if window.also is not None
                else notifications.unread_for(request.user).count()
            ),
            "fields": snapshot.current().fields,  # the worker's catalogue: no query per page
            "keep": keep,
            "channels": Channel.choices,
        },
    )


QUEUE_PAGE = 50


def _unread_count_sql(user) -> tuple[str, tuple] | None:
    """The count of the user's unread notices as SQL, for the queue's page query to bring in
    its round trip (issue 10: one query fewer per page)."""
    unread = notifications.unread_for(user).order_by().values("pk")
    try:
        sql, params = unread.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"SELECT count(*) FROM ({sql}) AS unread", tuple(params)  # noqa: S608 (the ORM's)


def queue_rows(page: list[dict], now) -> list[dict]:
    """The queue's rows as plain values: each label translated and each format looked up once
    per page, not once per row."""
    states = {value: str(label) for value, label in STATE_LABELS.items()}
    words = {word: str(label) for word, label in timeliness.LABELS.items()}
    english = (translation.get_language() or "vi").startswith("en")
    moment_format = formats.get_format("SHORT_DATETIME_FORMAT")
    zone = timezone.get_current_timezone()
    link = reverse("desk:dossier", args=["CODE"])
    # The versions' names from the worker's catalogue snapshot (no query once it holds them).
    catalogue = labels(versions={row["procedure_version_id"] for row in page})
    names: dict[int, str] = {}
    for version in {row["procedure_version_id"] for row in page}:
        _unit, name, name_en, *_rest = catalogue.raw("version", version)
        names[version] = name_en if english and name_en else name
    shown: dict = {}  # due moments repeat (end of a working day): each formatted once
    rows = []
    for row in page:
        word = timeliness.timeliness(
            state=row["state"],
            due_at=row["due_at"],
            resolved_at=row["resolved_at"],
            clock_stopped_at=row["clock_stopped_at"],
            now=now,
        )
        due = row["due_at"]
        if due not in shown:
            shown[due] = dateformat.format(due.astimezone(zone), moment_format) if due else ""
        rows.append(
            {
                **row,
                "procedure_name": names[row["procedure_version_id"]],
                "href": link.replace("CODE", row["code"]),
                "state_label": states.get(row["state"], row["state"]),
                "due": shown[due],
                "timeliness": word or "",
                "word": words.get(word, "") if word else "",
            }
        )
    return rows


def rows_html(rows: list[dict]) -> SafeString:
    """The queue table's rows (`queue_rows`), every value escaped, written in one pass: the
    template's nodes for 50 rows of 9 cells took most of the page's CPU (issue 10)."""
    transferred_from = escape(str(_("from")))
    out = []
    for row in rows:
        css = escape(row["timeliness"])
        origin = ""
        if row["is_transferred"]:
            origin = f"<br><small>{transferred_from} {escape(row['legacy_code'])}</small>"
        out.append(
            f'<tr class="{css}">'
            f'<td><a href="{escape(row["href"])}">{escape(row["code"])}</a>{origin}</td>'
            f"<td>{escape(row['procedure_name'])}</td>"
            f"<td>{escape(row['applicant_name'])}</td>"
            f"<td>{escape(row['state_label'])}</td>"
            f'<td>{escape(row["due"])}<br><strong class="{css}">{escape(row["word"])}</strong></td>'
            "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - each value escaped above


# --- The dossier page (applications/views/dossier_page.py) and its actions --------------------


def _staff_or_403(user):
    if not access.is_staff_member(user):
        raise PermissionDenied


@login_required
@require_POST
@page()
def dossier_action(request, code, action):
    _staff_or_403(request.user)
    dossier = selectors.dossier_get(user=request.user, code=code)
    data = request.POST.copy()
    data.update(request.FILES)
    try:
        run_action(
            action=action, dossier=dossier, actor=request.user, data=data, files=request.FILES
        )
    except NotFound:
        raise  # a 404, through @page()
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, ValidationError):
            messages.error(
                request,
                _("Check the values you entered: %(fields)s")
                % {"fields": ", ".join(exc.detail) if isinstance(exc.detail, dict) else ""},
            )
        else:
            messages.error(request, str(exc.message))
        # A refused file (or any refusal) keeps what was typed: the page shows it again.
        request.session[KEPT_SESSION_KEY] = {
            "code": code,
            "action": action,
            "values": {k: request.POST.get(k, "")[:4000] for k in KEPT_FIELDS},
        }
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": workflow.ACTIONS[action].label}
        )
    return redirect("desk:dossier", code=code)


KEPT_SESSION_KEY = "desk_action_kept"
KEPT_FIELDS = ("result_number", "note", "reason")


# --- Walk-in reception from the procedure's checklist -----------------------------------------


@login_required
def reception_start(request):
    units = access.desk_units(request.user)
    if not units.exists():
        raise PermissionDenied
    query = request.GET.get("q", "")
    results = procedure_search(query=query) if query.strip() else []
    return render(
        request, "desk/reception_start.html", {"query": query[:200], "results": results[:30]}
    )


# --- In-app notices for staff (overdue flags, reminders, digests, apology drafts) -------------


@login_required
def notices(request):
    _staff_or_403(request.user)
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()]
        notifications.notices_mark_read(user=request.user, ids=ids or None)
        return redirect("desk:notices")
    unread = list(notifications.unread_for(request.user).select_related("dossier")[:100])
    rows = [(n, *notifications.render(n)) for n in unread]
    return render(request, "desk/notices.html", {"rows": rows})
