"""Walk-in reception from the procedure's checklist (staff login).

A try that fails (a refused scan, a wrong field, a missing document) keeps everything: the fields
come back as typed, and the scans are held as the clerk's draft (`services.walk_in`), listed on
the form and used by the next try. A double click sends the same `submission_key`: one dossier.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applications import access, services
from applications.api.actions import document_files
from applications.errors import InvalidDossier
from applications.models import State
from applications.services import walk_in
from portal.core.errors import DomainError
from procedures.selectors import procedure_catalogue

DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y"]
RECEPTION_FIELDS = (
    "unit", "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email",
    "applicant_address", "channel", "submission_key", "due_at", "note", "refuse_reason", "sets",
)  # fmt: skip


def _create(request, procedure, units, values, checked, files, conditions):
    """The dossier, or the reasons it could not be made (in the clerk's words)."""
    unit = next((u for u in units if u.code == values["unit"]), None)
    try:
        if unit is None:
            raise InvalidDossier(_("Choose one of your units."))
        sets = None
        if values.get("sets"):
            if not values["sets"].isdigit():
                raise InvalidDossier(_("The number of sets must be a whole number."))
            sets = int(values["sets"][:3])
        due_at = None
        if values.get("due_at"):
            due_at = forms.DateTimeField(input_formats=DATETIME_INPUTS).clean(values["due_at"])
        dossier = services.dossier_create(
            procedure=procedure,
            unit=unit,
            applicant=services.Applicant(
                name=values["applicant_name"],
                id_number=values["applicant_id_number"],
                phone=values["applicant_phone"],
                email=values["applicant_email"],
                address=values["applicant_address"],
            ),
            channel=values["channel"] if values["channel"] in ("desk", "post") else "desk",
            actor=request.user,
            files=files,
            checked_documents=sorted(checked | set(files)),
            submission_key=values["submission_key"][:64],
            due_at=due_at,
            note=values["note"],
            refuse_reason=values["refuse_reason"] if "refuse" in request.POST else "",
            conditions=sorted(conditions),
            sets=sets,
        )
    except forms.ValidationError as exc:
        return None, [_("Appointment: %(problem)s") % {"problem": " ".join(exc.messages)}]
    except DomainError as exc:
        return None, [str(exc.message)]
    return dossier, []


@login_required
def reception(request, procedure_code):
    units = list(access.desk_units(request.user))
    if not units:
        raise PermissionDenied
    procedure = get_object_or_404(
        procedure_catalogue().prefetch_related("current_version__documents"), code=procedure_code
    )
    documents = list(procedure.current_version.documents.all())
    if request.method != "POST":
        walk_in.walk_in_purge_stale()
    values = {"unit": units[0].code, "submission_key": uuid.uuid4().hex, "sets": "1"}
    checked: set[int] = set()
    conditions: set[int] = set()
    held = None
    problems: list[str] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:4000] for k in RECEPTION_FIELDS}
        checked = {int(x) for x in request.POST.getlist("checked") if x.isdigit()}
        # A conditional document ("khi xin cấp lại") is required only when its case applies,
        # as the clerk states here (procedures.selectors.documents_required).
        conditions = {int(x) for x in request.POST.getlist("conditions") if x.isdigit()}
        held = walk_in.held_walk_in(
            user=request.user, procedure=procedure, pk=request.POST.get("held", "")
        )
        uploads = document_files(request.FILES)
        dossier = None
        if held is None:
            dossier, problems = _create(
                request, procedure, units, values, checked, uploads, conditions
            )
            if problems and uploads:  # keep the scans for the next try
                held, refused = walk_in.walk_in_hold(
                    user=request.user, procedure=procedure, values=values, uploads=uploads
                )
                problems += refused
        else:
            held, problems = walk_in.walk_in_hold(
                user=request.user, procedure=procedure, values=values, uploads=uploads, draft=held
            )
            if not problems:
                files = walk_in.held_files(held)
                dossier, problems = _create(
                    request, procedure, units, values, checked, files, conditions
                )
        if dossier is not None:
            if held is not None:
                walk_in.walk_in_done(draft=held, dossier=dossier)
            if dossier.state == State.REFUSED:
                messages.success(
                    request,
                    _("Refused: %(code)s. Print form 03 for the applicant.")
                    % {"code": dossier.code},
                )
            else:
                messages.success(request, _("Received: %(code)s.") % {"code": dossier.code})
            return redirect("desk:dossier", code=dossier.code)
    return render(
        request,
        "desk/reception.html",
        {
            "procedure": procedure,
            "version": procedure.current_version,
            "documents": [
                (d, next((a for a in held.attachments.all() if a.document_id == d.pk), None))
                if held is not None
                else (d, None)
                for d in documents
            ],
            "held": held,
            "problems": problems,
            "checked": checked,
            "conditions": conditions,
            "values": values,
            "units": units,
            "max_upload": settings.MOTCUA_MAX_UPLOAD_BYTES,
        },
        status=400 if request.method == "POST" else 200,
    )
