"""My dossiers: the list, a dossier's page, supplement, withdraw, the receipt and the rating."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import access, documents, selectors, services, timeliness
from applications.api.actions import REASON_ACTIONS, document_files
from applications.documents.forms import requested_documents
from applications.models import ClockStop, State
from applications.selectors import tracker
from applications.services import ratings
from portal.accounts.views import _Form
from portal.citizen.common import ACCEPT, EVENT_LABELS, NEXT_STEP
from portal.core.errors import DomainError
from portal.core.pages import page

# --- My dossiers -------------------------------------------------------------------------------


def _dossier_or_404(request, code):
    """The user's own dossier; another's is a 404 (pages using it are under `@page()`)."""
    return selectors.my_dossier(user=request.user, code=code)


def payment_url(code: str) -> str:
    return reverse("payments:pay", args=[code])


@login_required
@page()
def my_dossiers(request):
    now = timezone.now()
    page = Paginator(selectors.my_dossiers(user=request.user), 20).get_page(request.GET.get("page"))
    rows = []
    for dossier in page:
        word = timeliness.of(dossier, now)
        rows.append((dossier, word, timeliness.LABELS.get(word, ""), NEXT_STEP.get(dossier.state)))
    return render(
        request,
        "citizen/dossiers.html",
        {"page": page, "rows": rows, "draft_count": selectors.my_drafts(user=request.user).count()},
    )


@login_required
@page()
def my_dossier(request, code):
    dossier = _dossier_or_404(request, code)
    now = timezone.now()
    word = timeliness.of(dossier, now)
    history = list(dossier.events.all())
    events = [
        (e, EVENT_LABELS[e.action], e.note if e.action in REASON_ACTIONS else "")
        for e in history
        if e.action in EVENT_LABELS
    ]
    supplement = None
    asked_for: list[dict] = []
    if dossier.state == State.AWAITING_SUPPLEMENT:
        supplement = dossier.clock_stops.filter(
            kind=ClockStop.Kind.SUPPLEMENT, ended_at__isnull=True
        ).first()
        # Form 02's list, from the last request's history row (the page has the history).
        asked = [e for e in history if e.action == "request_supplement"]
        asked_for = requested_documents(asked[-1] if asked else None)
    actions = access.available_actions(request.user, dossier)
    kept = request.session.pop(KEPT_NOTE_KEY, None)
    return render(
        request,
        "citizen/dossier.html",
        {
            "kept_note": kept["note"] if kept and kept.get("code") == dossier.code else "",
            "dossier": dossier,
            "timeliness": word,
            "timeliness_label": timeliness.LABELS.get(word, ""),
            "tracker": tracker.tracker(dossier, history, supplement),
            "events": events,
            "supplement": supplement,
            "asked_for": asked_for,
            "documents": dossier.procedure_version.documents.all(),
            "attachments": dossier.attachments.select_related("document"),
            "may_withdraw": "withdraw" in actions,
            "has_receipt": any(e.action == "receive" for e, _label, _note in events),
            "has_result": bool(dossier.result_document)
            and dossier.state in (State.RESOLVED, State.RETURNED),
            "may_rate": access.may_rate(dossier, request.user),
            "may_rate_national": access.may_rate_national(dossier, request.user),
            "rating": getattr(dossier, "rating", None),
            "complaints": dossier.complaints.all(),
            "payment_url": payment_url(dossier.code)
            if dossier.state == State.AWAITING_PAYMENT
            else "",
            "max_upload": settings.MOTCUA_MAX_UPLOAD_BYTES,
            "accept": ACCEPT,
        },
    )


@login_required
@require_POST
@page()
def supplement(request, code):
    """The citizen answers the supplement request; the clock runs again (applications.services)."""
    dossier = _dossier_or_404(request, code)
    version = request.POST.get("expected_version", "")
    try:
        services.dossier_supplement(
            dossier=dossier,
            actor=request.user,
            files=document_files(request.FILES),
            note=request.POST.get("note", "")[:4000],
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        # A refused file keeps the message the citizen wrote; only the files are chosen again.
        request.session[KEPT_NOTE_KEY] = {
            "code": code,
            "note": request.POST.get("note", "")[:4000],
        }
    else:
        messages.success(
            request, _("Thank you: your documents were sent and the clock runs again.")
        )
    return redirect("citizen:dossier", code=code)


KEPT_NOTE_KEY = "supplement_note_kept"


@login_required
@page("citizen:dossier")
def withdraw(request, code):
    """Withdraw, after a confirmation page (a final step: the dossier cannot be reopened)."""
    dossier = _dossier_or_404(request, code)
    if "withdraw" not in access.available_actions(request.user, dossier):
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return redirect("citizen:dossier", code=code)
    reason, error = "", ""
    if request.method == "POST":
        version = request.POST.get("expected_version", "")
        reason = request.POST.get("reason", "").strip()[:4000]
        try:
            services.dossier_withdraw(
                dossier=dossier,
                actor=request.user,
                reason=reason,
                expected_version=int(version) if version.isdigit() else None,
            )
        except DomainError as exc:
            error = str(exc.message)  # the page again, with what was typed
        else:
            messages.success(request, _("Your dossier was withdrawn."))
            return redirect("citizen:dossier", code=code)
    return render(
        request,
        "citizen/withdraw.html",
        {"dossier": dossier, "reason": reason, "error": error},
        status=400 if error else 200,
    )


@login_required
@page()
def receipt(request, code):
    """Form 01, the receipt with the appointment, once the desk has received the dossier."""
    dossier = _dossier_or_404(request, code)
    info, content = documents.render_form(dossier=dossier, form="receipt")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{dossier.code}-mau-{info.number}-{info.slug}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


class RatingForm(_Form):
    comment = forms.CharField(
        label=gettext_lazy("Your comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "If you are not satisfied, say what went wrong: the ward leader reads it and answers."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scores = [(str(n), str(n)) for n in range(1, 6)]
        for key, label in ratings.CRITERIA.items():
            self.fields[key] = forms.ChoiceField(
                label=label, choices=scores, widget=forms.RadioSelect
            )
        self.order_fields([*ratings.CRITERIA, "comment"])


@login_required
@page()
def rate(request, code):
    dossier = _dossier_or_404(request, code)
    if not access.may_rate(dossier, request.user):
        messages.info(request, _("You can rate the service once, after the result is issued."))
        return redirect("citizen:dossier", code=code)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rating_submit(
                dossier=dossier,
                user=request.user,
                scores={k: data[k] for k in ratings.CRITERIA},
                comment=data["comment"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("citizen:rate-thanks", code=code)
    status = 400 if request.method == "POST" else 200
    return render(request, "citizen/rate.html", {"dossier": dossier, "form": form}, status=status)


@login_required
@page()
def rate_thanks(request, code):
    dossier = _dossier_or_404(request, code)
    rating = getattr(dossier, "rating", None)
    if rating is None:
        return redirect("citizen:dossier", code=code)
    return render(
        request,
        "citizen/rate_thanks.html",
        {"dossier": dossier, "rating": rating, "complaint": getattr(rating, "complaint", None)},
    )
