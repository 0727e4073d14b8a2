"""The desk's printable forms as PDF (staff login): a dossier's forms and a unit's tracking log.

Thin views: the dossier is read through the user's scope (404 for others), the form is built
by `applications.documents`.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from applications import access, documents, selectors
from portal.core.errors import DomainError, NotFound
from portal.core.pages import page


def _staff_only(request) -> None:
    if not access.is_staff_member(request.user):
        raise PermissionDenied


def _staff_dossier(user, code: str):
    """The dossier as staff see it: a staff member who is also an applicant elsewhere does not
    get the desk's forms of their own dossier through this door."""
    dossier = selectors.dossier_get(user=user, code=code)
    if not access.may_print_desk_forms(user, dossier):
        raise NotFound()
    return dossier


def _unavailable(request, error: DomainError):
    return render(
        request, "forms/unavailable.html", {"message": error.message}, status=error.status
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The forms carry personal data: never kept by shared caches or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
@page(render=_unavailable)
def dossier_forms(request, code: str):
    """The forms this dossier's history calls for, to print."""
    _staff_only(request)
    dossier = _staff_dossier(request.user, code)
    return render(
        request,
        "forms/index.html",
        {"dossier": dossier, "forms": documents.available_forms(dossier)},
    )


@require_GET
@login_required
@page(render=_unavailable)
def form_pdf(request, code: str, form: str):
    _staff_only(request)
    dossier = _staff_dossier(request.user, code)
    info, content = documents.render_form(dossier=dossier, form=form)
    return _pdf(content, f"{dossier.code}-mau-{info.number}-{info.slug}.pdf")


@require_GET
@login_required
@page(render=_unavailable)
def tracking_log(request, unit_code: str):
    _staff_only(request)
    unit = documents.log_unit(user=request.user, unit_code=unit_code)
    first, last = documents.log_period(request.GET.get("from"), request.GET.get("to"))
    content = documents.render_tracking_log(unit=unit, first=first, last=last)
    return _pdf(content, f"so-theo-doi-{unit.code}-{first:%Y%m%d}-{last:%Y%m%d}.pdf")
