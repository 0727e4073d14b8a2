"""The citizen's pages: account, apply online (a draft saved at each step), my dossiers, rating.

Every step is an ordinary POST form that works with JavaScript off. Views only parse input and
call `applications.citizen` or `applications.services`; another person's draft or dossier is a
404, never a hint that it exists.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import access, citizen, documents, ratings_national, services, timeliness
from applications.actions import REASON_ACTIONS, document_files
from applications.models import ClockStop, Complaint, State
from applications.workflow import INTERNAL_EVENTS, EventType
from portal.core.errors import BadAttachment, DomainError, NotFound
from procedures.models import Unit, UnitKind
from procedures.selectors import procedure_catalogue
from procedures.services import working_calendar

BACKEND = "portal.accounts.auth.PhoneOrEmailBackend"
# What the citizen reads in the timeline; internal steps (a drafted apology, the overdue flag)
# are not shown.
EVENT_LABELS = {event.value: event.label for event in EventType if event not in INTERNAL_EVENTS}
NEXT_STEP = {
    State.SUBMITTED: gettext_lazy("The desk checks your dossier during working hours."),
    State.RECEIVED: gettext_lazy("Received: it is waiting for the specialist."),
    State.IN_REVIEW: gettext_lazy("A specialist is processing it."),
    State.AWAITING_SUPPLEMENT: gettext_lazy("Send the documents asked for: the clock waits."),
    State.AWAITING_PAYMENT: gettext_lazy("Pay the fee: processing continues once it is paid."),
    State.RESOLVED: gettext_lazy("The result is ready."),
    State.RETURNED: gettext_lazy("The result has been handed over."),
}
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _messages_of(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc.message)]


# --- Accounts ----------------------------------------------------------------------------------


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ContactFields(_Form):
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("10 digits, for example 0905 123 456. You can sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        required=False,
        help_text=gettext_lazy("Needed to reset a forgotten password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    user = None

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        phone = citizen.check_mobile(value)
        if citizen.phone_taken(phone, exclude=self.user):
            raise ValidationError(_("An account with this mobile number already exists."))
        return phone

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and citizen.email_taken(email, exclude=self.user):
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise ValidationError(_("Give a mobile number or an e-mail address, or both."))
        return data


class RegisterForm(ContactFields):
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


def register(request):
    if request.user.is_authenticated:
        return redirect("citizen:dossiers")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = citizen.account_register(
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                password=data["password1"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            backend = BACKEND if BACKEND in settings.AUTHENTICATION_BACKENDS else None
            login(request, user, backend=backend or settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Your account is ready. You are signed in."))
            return redirect(_safe_next(request, reverse("citizen:dossiers")))
    status = 400 if request.method == "POST" else 200
    next_url = _safe_next(request, "")
    return render(request, "citizen/register.html", {"form": form, "next": next_url}, status=status)


class ProfileForm(ContactFields):
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language for pages, SMS and e-mail"),
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
    )


@login_required
def profile(request):
    user = request.user
    initial = {
        "full_name": citizen.full_name_of(user),
        "phone": user.phone,
        "email": user.email,
        "preferred_language": user.preferred_language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    form.user = user
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            citizen.profile_update(
                user=user,
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                language=data["preferred_language"],
            )
        except (DomainError, ValidationError) as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Your details are saved."))
            response = redirect("citizen:profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, data["preferred_language"], samesite="Lax"
            )
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "citizen/profile.html", {"form": form}, status=status)


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
        return citizen.check_citizen_id(self.cleaned_data["applicant_id_number"])

    def clean_applicant_phone(self):
        return citizen.check_mobile(self.cleaned_data["applicant_phone"])

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
    try:
        return citizen.my_draft(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def apply(request, procedure_code):
    """Step 1 of a new application, or the open draft for this procedure, resumed."""
    procedure = _procedure_or_404(procedure_code)
    draft = citizen.open_draft_for(user=request.user, procedure=procedure)
    if draft is not None and request.method != "POST":
        return redirect("citizen:draft", pk=draft.pk)
    return _details(request, procedure, draft)


@login_required
def draft_details(request, pk):
    draft = _draft_or_404(request, pk)
    return _details(request, draft.procedure, draft)


def _details(request, procedure, draft):
    version = procedure.current_version
    proxy = citizen.proxy_document(version)
    context = {"procedure": procedure, "version": version, "draft": draft, "proxy": proxy}
    if version.online_level == "none":
        return render(request, "citizen/apply_details.html", {**context, "desk_only": True})
    if request.method != "POST":
        initial = dict(draft.data) if draft else citizen.profile_prefill(request.user)
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
            draft = citizen.draft_save(
                user=request.user, procedure=procedure, answers=data, draft=draft
            )
            context["draft"] = draft
            if proxy is not None and data["on_behalf"] and data.get("authorisation"):
                citizen.draft_attach(draft=draft, document=proxy, upload=data["authorisation"])
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
def draft_documents(request, pk):
    """Step 2: one upload per document, each saved into the draft at once; a bad file is named
    and the others stay."""
    draft = _draft_or_404(request, pk)
    version = draft.procedure.current_version
    proxy = citizen.proxy_document(version)
    docs = [d for d in version.documents.all() if proxy is None or d.pk != proxy.pk]
    errors: dict[int, str] = {}
    if request.method == "POST":
        remove = request.POST.get("remove", "")
        if remove.isdigit():
            citizen.draft_detach(draft=draft, document_id=int(remove))
            messages.success(request, _("The file was removed."))
            return redirect("citizen:draft-documents", pk=draft.pk)
        saved = 0
        for document in docs:
            upload = request.FILES.get(f"document_{document.pk}")
            if upload is None:
                continue
            try:
                citizen.draft_attach(draft=draft, document=document, upload=upload)
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
            "errors": errors,
            "max_upload": settings.MOTCUA_MAX_UPLOAD_BYTES,
            "accept": ACCEPT,
        },
        status=400 if errors else 200,
    )


@login_required
def draft_review(request, pk):
    """Step 3: everything on one page, with the fee and the unit; submit makes one dossier."""
    sent = citizen.sent_draft_dossier(user=request.user, pk=pk)
    if sent is not None:
        # A second press of "Send" (or a reload) lands on the answer of the first one.
        return redirect("citizen:submitted", code=sent.code)
    draft = _draft_or_404(request, pk)
    error = ""
    if request.method == "POST":
        try:
            dossier = citizen.draft_submit(draft=draft)
        except DomainError as exc:
            error = str(exc.message)
        else:
            return redirect("citizen:submitted", code=dossier.code)
    version = draft.procedure.current_version
    proxy = citizen.proxy_document(version)
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
            "problems": citizen.draft_problems(draft),
            "processing_time": documents.processing_time_text(version),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def draft_discard(request, pk):
    draft = _draft_or_404(request, pk)
    citizen.draft_discard(draft=draft)
    messages.success(request, _("The draft was deleted."))
    return redirect("citizen:drafts")


@login_required
def drafts(request):
    return render(request, "citizen/drafts.html", {"drafts": citizen.my_drafts(user=request.user)})


@login_required
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


# --- My dossiers -------------------------------------------------------------------------------


def _dossier_or_404(request, code):
    try:
        return citizen.my_dossier(user=request.user, code=code)
    except NotFound:
        raise Http404 from None


def payment_url(code: str) -> str:
    return reverse("payments:pay", args=[code])


@login_required
def my_dossiers(request):
    now = timezone.now()
    page = Paginator(citizen.my_dossiers(user=request.user), 20).get_page(request.GET.get("page"))
    rows = []
    for dossier in page:
        word = timeliness.of(dossier, now)
        rows.append((dossier, word, timeliness.LABELS.get(word, ""), NEXT_STEP.get(dossier.state)))
    return render(
        request,
        "citizen/dossiers.html",
        {"page": page, "rows": rows, "draft_count": citizen.my_drafts(user=request.user).count()},
    )


@login_required
def my_dossier(request, code):
    dossier = _dossier_or_404(request, code)
    now = timezone.now()
    word = timeliness.of(dossier, now)
    events = [
        (e, EVENT_LABELS[e.action], e.note if e.action in REASON_ACTIONS else "")
        for e in dossier.events.all()
        if e.action in EVENT_LABELS
    ]
    supplement = None
    if dossier.state == State.AWAITING_SUPPLEMENT:
        supplement = dossier.clock_stops.filter(
            kind=ClockStop.Kind.SUPPLEMENT, ended_at__isnull=True
        ).first()
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
            "next_step": NEXT_STEP.get(dossier.state),
            "events": events,
            "supplement": supplement,
            "documents": dossier.procedure_version.documents.all(),
            "attachments": dossier.attachments.select_related("document"),
            "may_withdraw": "withdraw" in actions,
            "has_receipt": any(e.action == "receive" for e, _label, _note in events),
            "has_result": bool(dossier.result_document)
            and dossier.state in (State.RESOLVED, State.RETURNED),
            "may_rate": citizen.may_rate(dossier, request.user),
            "rating": getattr(dossier, "rating", None),
            "may_rate_national": ratings_national.may_rate(dossier, request.user),
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
def supplement(request, code):
    """The citizen answers the supplement request; the clock runs again (services.py)."""
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
def withdraw(request, code):
    """Withdraw, after a confirmation page (a final step: the dossier cannot be reopened)."""
    dossier = _dossier_or_404(request, code)
    if "withdraw" not in access.available_actions(request.user, dossier):
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return redirect("citizen:dossier", code=code)
    if request.method == "POST":
        version = request.POST.get("expected_version", "")
        try:
            services.dossier_withdraw(
                dossier=dossier,
                actor=request.user,
                reason=request.POST.get("reason", "")[:4000],
                expected_version=int(version) if version.isdigit() else None,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Your dossier was withdrawn."))
        return redirect("citizen:dossier", code=code)
    return render(request, "citizen/withdraw.html", {"dossier": dossier})


@login_required
def receipt(request, code):
    """Form 01, the receipt with the appointment, once the desk has received the dossier."""
    dossier = _dossier_or_404(request, code)
    try:
        info, content = documents.render_form(dossier=dossier, form="receipt")
    except NotFound:
        raise Http404 from None
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
        for key, label in citizen.CRITERIA.items():
            self.fields[key] = forms.ChoiceField(
                label=label, choices=scores, widget=forms.RadioSelect
            )
        self.order_fields([*citizen.CRITERIA, "comment"])


@login_required
def rate(request, code):
    dossier = _dossier_or_404(request, code)
    if not citizen.may_rate(dossier, request.user):
        messages.info(request, _("You can rate the service once, after the result is issued."))
        return redirect("citizen:dossier", code=code)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            citizen.rating_submit(
                dossier=dossier,
                user=request.user,
                scores={k: data[k] for k in citizen.CRITERIA},
                comment=data["comment"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("citizen:rate-thanks", code=code)
    status = 400 if request.method == "POST" else 200
    return render(request, "citizen/rate.html", {"dossier": dossier, "form": form}, status=status)


@login_required
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


# --- Complaints, for the unit leader (under /desk/) --------------------------------------------


class AnswerForm(_Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer to the citizen"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _leader_or_403(user):
    if not citizen.is_leader(user):
        raise PermissionDenied


@login_required
def complaints(request):
    _leader_or_403(request.user)
    status = request.GET.get("status", Complaint.Status.OPEN)
    if status not in Complaint.Status.values:
        status = Complaint.Status.OPEN
    rows = citizen.leader_complaints(user=request.user, status=status)
    return render(
        request,
        "citizen/complaints.html",
        {"complaints": rows[:200], "status": status, "statuses": Complaint.Status.choices},
    )


@login_required
def complaint_answer(request, pk):
    _leader_or_403(request.user)
    complaint = get_object_or_404(citizen.leader_complaints(user=request.user, status=""), pk=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen.complaint_answer(
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
        {"complaint": complaint, "form": form, "criteria": citizen.CRITERIA},
        status=400 if request.method == "POST" else 200,
    )
