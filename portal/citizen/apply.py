"""Apply online: 1 applicant, 2 documents, 3 review and submit (a draft saved at each step)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import documents, selectors, services
from portal.accounts import identity
from portal.accounts.views import _Form
from portal.citizen.common import ACCEPT
from portal.citizen.dossiers import _dossier_or_404
from portal.core.errors import BadAttachment, DomainError
from portal.core.pages import page
from procedures.models import Unit, UnitKind
from procedures.selectors import procedure_catalogue
from procedures.services import working_calendar

# --- Apply online: 1 applicant, 2 documents, 3 review and submit -------------------------------


class ApplicantForm(_Form):
    unit = forms.ChoiceField(label=gettext_lazy("Ward or commune that receives it"))
    on_behalf = forms.ChoiceField(
        label=gettext_lazy("Who is this application for?"),
        choices=[
            ("no", gettext_lazy("For me")),
            ("yes", gettext_lazy("For someone else who authorised me")),
        ],
        widget=forms.RadioSelect,
        initial="no",
    )
    applicant_name = forms.CharField(label=gettext_lazy("Applicant's full name"), max_length=200)
    applicant_id_number = forms.CharField(
        label=gettext_lazy("Applicant's citizen ID number"),
        max_length=20,
        help_text=gettext_lazy("12 digits, on the front of the căn cước card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=gettext_lazy("Applicant's mobile number"),
        max_length=20,
        help_text=gettext_lazy("We send the receipt and the result notice to it by SMS."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(label=gettext_lazy("Applicant's e-mail"), required=False)
    applicant_address = forms.CharField(label=gettext_lazy("Applicant's address"), max_length=300)
    authorisation = forms.FileField(
        label=gettext_lazy("Authorisation document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    authorisation_note = forms.CharField(
        label=gettext_lazy("Who authorised you, and how"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: my mother, by a signed letter I will show at the desk."
        ),
    )

    def __init__(self, *args, proxy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proxy = proxy
        self.fields["unit"].choices = [("", _("Choose…"))] + [
            (u.code, u.name)
            for u in Unit.objects.filter(
                kind__in=[UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE]
            ).order_by("name_vi")
        ]
        if proxy is not None:
            del self.fields["authorisation_note"]
            self.fields["authorisation"].help_text = " ".join(
                [
                    _("Only when you apply for someone else: %(name)s")
                    % {"name": escape(proxy.name)},
                    _("PDF, JPEG or PNG, at most %(size)s.")
                    % {"size": filesizeformat(settings.MOTCUA_MAX_UPLOAD_BYTES)},
                ]
            )
        else:
            del self.fields["authorisation"]

    def clean_applicant_id_number(self):
        return identity.check_citizen_id(self.cleaned_data["applicant_id_number"])

    def clean_applicant_phone(self):
        return identity.check_mobile(self.cleaned_data["applicant_phone"])

    def clean(self):
        data = super().clean()
        data["on_behalf"] = data.get("on_behalf") == "yes"
        if data["on_behalf"] and self.proxy is None and not data.get("authorisation_note"):
            self.add_error(
                "authorisation_note", _("Say who authorised you to apply for them, and how.")
            )
        return data


def _procedure_or_404(code: str):
    return get_object_or_404(
        procedure_catalogue().prefetch_related("current_version__documents"), code=code
    )


def _draft_or_404(request, pk: int):
    """The user's own draft; another's is a 404 (pages using it are under `@page()`)."""
    return selectors.my_draft(user=request.user, pk=pk)


@login_required
@page()
def apply(request, procedure_code):
    """Step 1 of a new application, or the open draft for this procedure, resumed."""
    procedure = _procedure_or_404(procedure_code)
    draft = selectors.open_draft_for(user=request.user, procedure=procedure)
    if draft is not None and request.method != "POST":
        return redirect("citizen:draft", pk=draft.pk)
    return _details(request, procedure, draft)


@login_required
@page()
def draft_details(request, pk):
    draft = _draft_or_404(request, pk)
    return _details(request, draft.procedure, draft)


def _details(request, procedure, draft):
    version = procedure.current_version
    proxy = services.proxy_document(version)
    context = {"procedure": procedure, "version": version, "draft": draft, "proxy": proxy}
    if version.online_level == "none":
        return render(request, "citizen/apply_details.html", {**context, "desk_only": True})
    if request.method != "POST":
        initial = dict(draft.data) if draft else selectors.profile_prefill(request.user)
        initial["on_behalf"] = "yes" if initial.get("on_behalf") is True else "no"
        if draft and draft.unit:
            initial["unit"] = draft.unit.code
        elif request.GET.get("unit"):
            initial["unit"] = request.GET["unit"][:10]
        form = ApplicantForm(initial=initial, proxy=proxy)
        return render(request, "citizen/apply_details.html", {**context, "form": form})
    form = ApplicantForm(request.POST, request.FILES, proxy=proxy)
    if form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.draft_save(
                user=request.user, procedure=procedure, answers=data, draft=draft
            )
            context["draft"] = draft
            if proxy is not None and data["on_behalf"] and data.get("authorisation"):
                services.draft_attach(draft=draft, document=proxy, upload=data["authorisation"])
        except BadAttachment as exc:
            form.add_error("authorisation", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("citizen:draft-documents", pk=draft.pk)
    if context["draft"] is not None:
        context["attached_proxy"] = context["draft"].attachments.filter(document=proxy).first()
    return render(request, "citizen/apply_details.html", {**context, "form": form}, status=400)


@login_required
@page()
def draft_documents(request, pk):
    """Step 2: one upload per document, each saved into the draft at once; a bad file is named
    and the others stay."""
    draft = _draft_or_404(request, pk)
    version = draft.procedure.current_version
    proxy = services.proxy_document(version)
    docs = [d for d in version.documents.all() if proxy is None or d.pk != proxy.pk]
    errors: dict[int, str] = {}
    if request.method == "POST":
        remove = request.POST.get("remove", "")
        if remove.isdigit():
            services.draft_detach(draft=draft, document_id=int(remove))
            messages.success(request, _("The file was removed."))
            return redirect("citizen:draft-documents", pk=draft.pk)
        # The cases the applicant states apply make their conditional documents required.
        services.draft_state_conditions(
            draft=draft,
            conditions=[int(x) for x in request.POST.getlist("conditions") if x.isdigit()],
        )
        saved = 0
        for document in docs:
            upload = request.FILES.get(f"document_{document.pk}")
            if upload is None:
                continue
            try:
                services.draft_attach(draft=draft, document=document, upload=upload)
                saved += 1
            except DomainError as exc:
                errors[document.pk] = str(exc.message)
        if saved:
            messages.success(request, _("%(n)s file(s) saved in your draft.") % {"n": saved})
        if not errors:
            if request.POST.get("go") == "review":
                return redirect("citizen:draft-review", pk=draft.pk)
            return redirect("citizen:draft-documents", pk=draft.pk)
    attached = {a.document_id: a for a in draft.attachments.all()}
    rows = [(d, attached.get(d.pk), errors.get(d.pk, "")) for d in docs]
    return render(
        request,
        "citizen/apply_documents.html",
        {
            "draft": draft,
            "procedure": draft.procedure,
            "version": version,
            "rows": rows,
            "conditions": set(services.draft_conditions(draft)),
            "errors": errors,
            "max_upload": settings.MOTCUA_MAX_UPLOAD_BYTES,
            "accept": ACCEPT,
        },
        status=400 if errors else 200,
    )


@login_required
@page()
def draft_review(request, pk):
    """Step 3: everything on one page, with the fee and the unit; submit makes one dossier."""
    sent = selectors.sent_draft_dossier(user=request.user, pk=pk)
    if sent is not None:
        # A second press of "Send" (or a reload) lands on the answer of the first one.
        return redirect("citizen:submitted", code=sent.code)
    draft = _draft_or_404(request, pk)
    error = ""
    if request.method == "POST":
        try:
            dossier = services.draft_submit(draft=draft)
        except DomainError as exc:
            error = str(exc.message)
        else:
            return redirect("citizen:submitted", code=dossier.code)
    version = draft.procedure.current_version
    proxy = services.proxy_document(version)
    attached = {a.document_id: a for a in draft.attachments.all()}
    return render(
        request,
        "citizen/apply_review.html",
        {
            "draft": draft,
            "data": draft.data,
            "procedure": draft.procedure,
            "version": version,
            "documents": [(d, attached.get(d.pk)) for d in version.documents.all()],
            "proxy": proxy,
            "problems": services.draft_problems(draft),
            "processing_time": documents.processing_time_text(version),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
@page()
def draft_discard(request, pk):
    draft = _draft_or_404(request, pk)
    services.draft_discard(draft=draft)
    messages.success(request, _("The draft was deleted."))
    return redirect("citizen:drafts")


@login_required
@page()
def drafts(request):
    return render(
        request, "citizen/drafts.html", {"drafts": selectors.my_drafts(user=request.user)}
    )


@login_required
@page()
def submitted(request, code):
    """The answer: the code, what happens next and when."""
    dossier = _dossier_or_404(request, code)
    unit = dossier.receiving_unit
    checked_from = working_calendar(unit).normalise(dossier.submitted_at or timezone.now())
    return render(
        request,
        "citizen/apply_done.html",
        {
            "dossier": dossier,
            "checked_from": checked_from,
            "processing_time": documents.processing_time_text(dossier.procedure_version),
            "unit": unit,
        },
    )
