"""Complaints from dissatisfied ratings, for the unit leader (pages under /desk/)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import access, selectors, services
from applications.models import Complaint
from applications.services import ratings
from portal.accounts.views import _Form
from portal.core.errors import DomainError

# --- Complaints, for the unit leader (under /desk/) --------------------------------------------


class AnswerForm(_Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer to the citizen"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _leader_or_403(user):
    if not access.is_leader(user):
        raise PermissionDenied


@login_required
def complaints(request):
    _leader_or_403(request.user)
    status = request.GET.get("status", Complaint.Status.OPEN)
    if status not in Complaint.Status.values:
        status = Complaint.Status.OPEN
    rows = selectors.leader_complaints(user=request.user, status=status)
    return render(
        request,
        "citizen/complaints.html",
        {"complaints": rows[:200], "status": status, "statuses": Complaint.Status.choices},
    )


@login_required
def complaint_answer(request, pk):
    _leader_or_403(request.user)
    complaint = get_object_or_404(selectors.leader_complaints(user=request.user, status=""), pk=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_answer(
                complaint=complaint, leader=request.user, answer=form.cleaned_data["answer"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your answer was saved; the citizen sees it."))
            return redirect("desk:complaints")
    return render(
        request,
        "citizen/complaint.html",
        {"complaint": complaint, "form": form, "criteria": ratings.CRITERIA},
        status=400 if request.method == "POST" else 200,
    )
