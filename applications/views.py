"""The one-stop desk pages (staff login): the work queue of the user's units."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from applications import access, selectors, timeliness
from applications.models import State


@login_required
def work_queue(request):
    """Open dossiers of the user's units, overdue first, then by due moment."""
    if not access.is_staff_member(request.user):
        raise PermissionDenied
    now = timezone.now()
    filters = {k: request.GET.get(k, "") for k in ("state", "overdue", "procedure")}
    if filters["state"] not in State.values:
        filters["state"] = ""
    if request.GET.get("mine"):
        filters["assignee"] = request.user.username
    dossiers = timeliness.with_timeliness(
        selectors.work_queue(user=request.user, filters=filters), now
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        dossiers = dossiers.filter(Q(code__icontains=query) | Q(applicant_name__icontains=query))
    dossiers = dossiers.order_by("due_at", "id")
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    rows = [(d, timeliness.LABELS.get(d.timeliness, "")) for d in page]
    return render(
        request,
        "desk/queue.html",
        {
            "page": page,
            "rows": rows,
            "states": [(s.value, s.label) for s in State if s.value in selectors.OPEN_STATES],
            "filters": filters,
            "query": query,
            "mine": bool(request.GET.get("mine")),
        },
    )
