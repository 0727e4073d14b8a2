"""The one-stop desk pages (staff login): work queue, walk-in reception, the dossier page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from applications import access, selectors, timeliness, workflow
from applications.api.actions import run_action
from applications.models import Attachment, Channel, ReturnMethod, State
from applications.selectors import handover
from applications.services import transfer
from portal.core.errors import DomainError, NotFound
from portal.core.pages import page
from portal.notifications import services as notifications
from procedures.models import Field
from procedures.selectors import procedure_search

STATE_LABELS = dict(State.choices)
EVENT_LABELS = dict(workflow.EventType.choices)
QUEUE_COLUMNS = (
    "code", "state", "due_at", "resolved_at", "clock_stopped_at", "applicant_name",
    "is_transferred", "legacy_code", "procedure_version__name_vi", "procedure_version__name_en",
)  # fmt: skip


def _without_page(request) -> str:
    """The current filters as a query string, for the pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def work_queue(request):
    """Open dossiers of the user's units, overdue first, then by due moment."""
    if not access.is_staff_member(request.user):
        raise PermissionDenied
    now = timezone.now()
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
    dossiers = timeliness.with_timeliness(
        selectors.work_queue(user=request.user, filters=filters), now
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        dossiers = dossiers.filter(Q(code__icontains=query) | Q(applicant_name__icontains=query))
    # A queue row needs a handful of columns, not five whole joined rows.
    dossiers = (
        dossiers.select_related(None)
        .select_related("procedure_version")
        .only(*QUEUE_COLUMNS)
        .order_by("due_at", "id")
    )
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    rows = [(d, timeliness.LABELS.get(d.timeliness, "")) for d in page]
    return render(
        request,
        "desk/queue.html",
        {
            "page": page,
            "rows": rows,
            "states": [(s.value, s.label) for s in State if s.value in workflow.OPEN_STATES],
            "filters": filters,
            "query": query,
            "mine": bool(request.GET.get("mine")),
            "unread_notices": notifications.unread_for(request.user).count(),
            "fields": Field.objects.all(),
            "keep": _without_page(request),
            "channels": Channel.choices,
        },
    )


# --- The dossier page: documents, history, and the actions the user may take now ---------------


def _staff_or_403(user):
    if not access.is_staff_member(user):
        raise PermissionDenied


@login_required
@page()
def dossier_page(request, code):
    _staff_or_403(request.user)
    dossier = selectors.dossier_get(user=request.user, code=code)
    now = timezone.now()
    documents = list(dossier.procedure_version.documents.all())
    attachments = list(dossier.attachments.select_related("document"))
    by_document = {}
    for attachment in attachments:
        by_document.setdefault(attachment.document_id, []).append(attachment)
    events = list(dossier.events.all())
    # What the clerk ticked as handed in at reception (the receive step's record), if received.
    received = next((e for e in events if e.action == workflow.EventType.RECEIVE), None)
    ticked = set((received.extra or {}).get("checked_documents", [])) if received else None
    word = timeliness.of(dossier, now)
    kept = request.session.pop(KEPT_SESSION_KEY, None)
    actions = access.available_actions(request.user, dossier)
    return render(
        request,
        "desk/dossier.html",
        {
            "kept": kept if kept and kept.get("code") == dossier.code else None,
            "dossier": dossier,
            "timeliness": word,
            "timeliness_label": timeliness.LABELS.get(word, ""),
            "documents": [
                (d, by_document.get(d.pk, []), _handed_in(d.pk, ticked, by_document))
                for d in documents
            ],
            "other_attachments": by_document.get(None, []),
            "events": [
                (
                    event,
                    EVENT_LABELS.get(event.action, event.action),
                    STATE_LABELS.get(event.to_state, ""),
                )
                for event in events
            ],
            "actions": [workflow.ACTIONS[name] for name in actions],
            "candidates": handover.handover_candidates(unit=dossier.handling_unit)
            if "start_review" in actions
            else [],
            "return_methods": ReturnMethod.choices,
            "transfer_units": transfer.destinations(dossier),
            "max_upload": settings.MOTCUA_MAX_UPLOAD_BYTES,
        },
    )


def _handed_in(document_id, ticked, by_document) -> str:
    """How a document came in at reception, as reception counts it (ticked, or attached by the
    applicant or the clerk); "" before the dossier is received."""
    if ticked is None:
        return ""
    if document_id in ticked:
        return "ticked"
    kinds = (Attachment.Purpose.APPLICATION, Attachment.Purpose.SCAN)
    if any(a.purpose in kinds for a in by_document.get(document_id, [])):
        return "attached"
    return "missing"


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
