"""The desk withdraws a dossier at the applicant's request: a page of its own that says what it
means and asks for the reason, so that a slip of the mouse on the dossier page cannot end it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from applications import access, selectors
from applications.api.actions import run_action
from applications.models import State
from portal.core.errors import DomainError, NotFound
from portal.core.pages import page


@login_required
@page()
def withdraw(request, code):
    if not access.is_staff_member(request.user):
        raise PermissionDenied
    dossier = selectors.dossier_get(user=request.user, code=code)
    if "withdraw" not in access.available_actions(request.user, dossier):
        if dossier.state == State.WITHDRAWN:
            messages.info(request, _("This dossier is withdrawn."))
        else:
            messages.error(request, _("This dossier can no longer be withdrawn."))
        return redirect("desk:dossier", code=code)
    reason, error = "", ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:4000]
        try:
            run_action(
                action="withdraw", dossier=dossier, actor=request.user, data=request.POST, files={}
            )
        except NotFound:
            raise
        except ValidationError:
            error = _("Write the applicant's reason for withdrawing.")
        except DomainError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Withdrawn: %(code)s.") % {"code": dossier.code})
            return redirect("desk:dossier", code=code)
    return render(
        request,
        "desk/withdraw.html",
        {"dossier": dossier, "reason": reason, "error": error},
        status=400 if error else 200,
    )
