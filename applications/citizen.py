"""The citizen side: accounts, online applications saved as drafts, ratings and complaints.

Writes here follow services.py: keyword-only, one transaction, the row locked; dossier
transitions themselves stay in services.py (`dossier_create`, `dossier_supplement`,
`dossier_withdraw`). Reads are scoped to the citizen: another person's draft or dossier is a 404.
"""

import re
import uuid
from datetime import date

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import access, services
from applications.errors import InvalidDossier, MissingDocuments
from applications.models import (
    ApplicationDraft,
    Complaint,
    Dossier,
    DraftAttachment,
    Rating,
)
from applications.workflow import FINISHED_STATES
from portal.accounts.models import Role
from portal.core.errors import BadAttachment, Conflict, DomainError, NotFound, PermissionDenied
from portal.core.uploads import check_upload, discarding_orphans, save_tracked
from procedures.models import Procedure, RequiredDocument, Unit
from procedures.text import fold

User = get_user_model()
# Advisory lock key for sign-ups (any constant; "motcua" in ASCII).
REGISTRATION_LOCK = 0x6D6F74637561

# --- Checks on what people type ----------------------------------------------------------------

# Vietnamese mobile numbers since the 2018 renumbering: 10 digits, 03x, 05x, 07x, 08x or 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")
# Circular 07/2016/TT-BCA, annex: the first three digits of a 12-digit citizen ID are the code of
# the province where the birth was registered.
PROVINCE_CODES = frozenset(
    [
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
        "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
        "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
        "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
        "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    ]
)  # fmt: skip


def normalise_phone(value: str) -> str:
    """Digits only; +84 / 84 written in front becomes the leading 0."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def check_mobile(value: str) -> str:
    """The normalised mobile number, or ValidationError with a message the citizen can act on."""
    phone = normalise_phone(value)
    if not _MOBILE.match(phone):
        raise ValidationError(
            _(
                "A Vietnamese mobile number has 10 digits and starts with 03, 05, 07, 08 or 09 "
                "(for example 0905 123 456)."
            ),
            code="bad_phone",
        )
    return phone


def check_citizen_id(value: str, *, today: date | None = None) -> str:
    """A 12-digit citizen ID (căn cước): province code, then century and sex, then birth year."""
    number = re.sub(r"\s", "", value or "")
    if not (number.isdigit() and len(number) == 12):
        raise ValidationError(
            _("A citizen ID (căn cước) number has exactly 12 digits; you typed %(n)s.")
            % {"n": len(number)},
            code="bad_id",
        )
    if number[:3] not in PROVINCE_CODES:
        raise ValidationError(
            _("The first three digits of a citizen ID are a province code; %(code)s is not one.")
            % {"code": number[:3]},
            code="bad_id",
        )
    # Circular 07/2016, art. 7: the 4th digit gives the century (0/1: 1900s, 2/3: 2000s, ...),
    # the 5th and 6th the last two digits of the birth year.
    year = 1900 + (int(number[3]) // 2) * 100 + int(number[4:6])
    if year > (today or timezone.localdate()).year:
        raise ValidationError(
            _("This citizen ID gives a birth year in the future: check the 4th to 6th digits."),
            code="bad_id",
        )
    return number


# --- Accounts ----------------------------------------------------------------------------------


def split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family and middle names first, the given name last."""
    parts = full_name.split()
    if not parts:
        return "", ""
    return parts[-1], " ".join(parts[:-1])


def full_name_of(user) -> str:
    return f"{user.last_name} {user.first_name}".strip()


def phone_taken(phone: str, *, exclude=None) -> bool:
    users = User.objects.filter(phone=phone)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def email_taken(email: str, *, exclude=None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def _serialise_registrations() -> None:
    """A transaction-scoped lock on PostgreSQL (SQLite already writes one transaction at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REGISTRATION_LOCK])


@transaction.atomic
def account_register(
    *, full_name: str, phone: str = "", email: str = "", password: str, language: str = "vi"
):
    """A citizen account. Its username is the phone (or the e-mail); either signs in."""
    if not (phone or email):
        raise InvalidDossier(_("Give a mobile number or an e-mail address, or both."))
    phone = check_mobile(phone) if phone else ""
    email = (email or "").strip().lower()
    username = phone or email
    # The portal signs in by phone and by e-mail: both must point to one account. The user table
    # has no unique constraint on them, so two sign-ups with one number are serialised here.
    _serialise_registrations()
    if phone and (phone_taken(phone) or User.objects.filter(username=phone).exists()):
        raise Conflict(_("An account with this mobile number already exists. Sign in instead."))
    if email and (email_taken(email) or User.objects.filter(username__iexact=email).exists()):
        raise Conflict(_("An account with this e-mail address already exists. Sign in instead."))
    first, last = split_name(full_name)
    user = User(username=username, first_name=first, last_name=last, email=email, phone=phone)
    user.preferred_language = language if language in ("vi", "en") else "vi"
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def profile_update(*, user, full_name: str, phone: str = "", email: str = "", language: str = "vi"):
    user = User.objects.select_for_update().get(pk=user.pk)
    if not (phone or email):
        raise InvalidDossier(_("Keep a mobile number or an e-mail address, or both."))
    phone = check_mobile(phone) if phone else ""
    email = (email or "").strip().lower()
    if phone and phone_taken(phone, exclude=user):
        raise Conflict(_("Another account uses this mobile number."))
    if email and email_taken(email, exclude=user):
        raise Conflict(_("Another account uses this e-mail address."))
    user.first_name, user.last_name = split_name(full_name)
    user.phone, user.email = phone, email
    user.preferred_language = language if language in ("vi", "en") else "vi"
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "phone", "email", "preferred_language"])
    return user


def profile_prefill(user) -> dict:
    """What an application starts with: the profile, and the address of the last application
    (the account has no address of its own)."""
    last = (
        Dossier.objects.filter(applicant_user=user).exclude(applicant_address="").order_by("-id")
    ).first()
    return {
        "applicant_name": full_name_of(user) or user.username,
        "applicant_phone": user.phone,
        "applicant_email": user.email,
        "applicant_address": last.applicant_address if last else "",
        "applicant_id_number": last.applicant_id_number if last else "",
    }


# --- Drafts ------------------------------------------------------------------------------------

ANSWER_FIELDS = (
    "unit", "on_behalf", "applicant_name", "applicant_id_number", "applicant_phone",
    "applicant_email", "applicant_address", "authorisation_note",
)  # fmt: skip


def proxy_document(version) -> RequiredDocument | None:
    """The procedure's authorisation document (văn bản / giấy ủy quyền), if it lists one."""
    for document in version.documents.all():
        if fold(document.name_vi).startswith(("van ban uy quyen", "giay uy quyen")):
            return document
    return None


@transaction.atomic
def draft_save(*, user, procedure: Procedure, answers: dict, draft=None) -> ApplicationDraft:
    """Step 1's answers stored at once; the same draft is updated on each step."""
    unit = Unit.objects.filter(code=answers.get("unit", "")).first()
    if unit is None or not unit.is_commune_level:
        raise InvalidDossier(_("Choose the ward or commune that receives your dossier."))
    data = {key: answers.get(key, "") for key in ANSWER_FIELDS}
    data["on_behalf"] = bool(answers.get("on_behalf"))
    if draft is None:
        draft = ApplicationDraft(user=user, procedure=procedure, submission_key=uuid.uuid4().hex)
    else:
        draft = _lock_draft(draft)
    draft.unit = unit
    draft.data = data
    draft.save()
    return draft


def _lock_draft(draft) -> ApplicationDraft:
    locked = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.dossier_id:
        raise Conflict(
            _("This application was already sent as dossier %(code)s.")
            % {"code": locked.dossier.code}
        )
    return locked


@discarding_orphans
def draft_attach(*, draft, document: RequiredDocument, upload) -> DraftAttachment:
    """One document saved into the draft at once. A bad file raises BadAttachment and leaves the
    draft, its answers and its other files as they were."""
    if document.version_id != draft.procedure.current_version_id:
        raise BadAttachment(_("This document is not part of the procedure."))
    mime, digest = check_upload(upload)
    with transaction.atomic():
        draft = _lock_draft(draft)
        previous = DraftAttachment.objects.filter(draft=draft, document=document).first()
        old_file = previous.file.name if previous else ""
        if previous:
            previous.delete()
        attachment = DraftAttachment(
            draft=draft,
            document=document,
            file=upload,
            original_name=(upload.name or "file")[:255],
            content_type=mime,
            size=upload.size,
            sha256=digest,
        )
        save_tracked(attachment, force_insert=True)
        draft.save(update_fields=["updated_at"])
        if old_file:
            storage = attachment.file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return attachment


@transaction.atomic
def draft_detach(*, draft, document_id: int) -> None:
    draft = _lock_draft(draft)
    for attachment in draft.attachments.filter(document_id=document_id):
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


@transaction.atomic
def draft_discard(*, draft) -> None:
    draft = _lock_draft(draft)
    names = [(a.file.storage, a.file.name) for a in draft.attachments.all()]
    draft.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def draft_problems(draft) -> list[str]:
    """What still stops the draft from being sent, in the citizen's words."""
    version = draft.procedure.current_version
    attached = set(draft.attachments.values_list("document_id", flat=True))
    proxy = proxy_document(version)
    problems = [
        _("Missing: %(name)s") % {"name": d.name}
        for d in version.documents.all()
        if d.required and d.pk not in attached
    ]
    if draft.data.get("on_behalf"):
        if proxy is not None and proxy.pk not in attached:
            problems.append(
                _("Attach the authorisation document (%(name)s).") % {"name": proxy.name}
            )
        if proxy is None and not draft.data.get("authorisation_note", "").strip():
            problems.append(_("Say who authorised you to apply for them, and how."))
    return problems


@discarding_orphans
def draft_submit(*, draft) -> Dossier:
    """The draft becomes a dossier, once: the draft's key makes a repeated submit return the
    dossier of the first one (double click, reload, two tabs)."""
    with transaction.atomic():
        locked = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.dossier_id:
            return locked.dossier
        problems = draft_problems(locked)
        if problems:
            raise MissingDocuments("; ".join(problems))
        data = locked.data
        version = locked.procedure.current_version
        current = set(version.documents.values_list("pk", flat=True))
        attachments = [a for a in locked.attachments.all() if a.document_id in current]
        files = {}
        for attachment in attachments:
            with attachment.file.open("rb") as handle:
                files[attachment.document_id] = ContentFile(
                    handle.read(), name=attachment.original_name
                )
        note = ""
        if data.get("on_behalf"):
            note = _("Submitted online by %(name)s on behalf of the applicant.") % {
                "name": locked.user.display_name
            }
            if data.get("authorisation_note", "").strip():
                note += " " + _("Authorisation: %(note)s") % {"note": data["authorisation_note"]}
        dossier = services.dossier_create(
            procedure=locked.procedure,
            unit=locked.unit,
            applicant=services.Applicant(
                name=data.get("applicant_name", ""),
                id_number=data.get("applicant_id_number", ""),
                phone=data.get("applicant_phone", ""),
                email=data.get("applicant_email", ""),
                address=data.get("applicant_address", ""),
            ),
            channel="online",
            actor=locked.user,
            files=files,
            submission_key=locked.submission_key,
            note=note,
        )
        locked.dossier = dossier
        locked.save(update_fields=["dossier", "updated_at"])
        # The dossier holds its own copies now; the draft's files are no longer needed.
        names = [(a.file.storage, a.file.name) for a in locked.attachments.all()]
        locked.attachments.all().delete()
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
    return dossier


# --- Ratings and complaints --------------------------------------------------------------------

CRITERIA = {
    "overall": gettext_lazy("Overall"),
    "time": gettext_lazy("Processing time"),
    "attitude": gettext_lazy("Staff attitude"),
    "guidance": gettext_lazy("Guidance"),
    "transparency": gettext_lazy("Transparency"),
}
# A rating of 1 or 2 out of 5 is "not satisfied" on the national service index (Decision
# 766/QĐ-TTg): it opens a complaint for the unit leader.
DISSATISFIED_AT_MOST = 2


class RatingError(DomainError):
    code = "rating_not_allowed"


def may_rate(dossier, user) -> bool:
    return (
        dossier.applicant_user_id == user.pk
        and dossier.state in FINISHED_STATES
        and not Rating.objects.filter(dossier=dossier).exists()
    )


@transaction.atomic
def rating_submit(*, dossier, user, scores: dict, comment: str = "") -> Rating:
    """Once per dossier, by its applicant, after the result (resolved, rejected or returned)."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.applicant_user_id != user.pk:
        raise NotFound()
    if dossier.state not in FINISHED_STATES:
        raise RatingError(_("You can rate the service once the result is issued."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise RatingError(_("This dossier has already been rated. Thank you."))
    values = {}
    for key in CRITERIA:
        try:
            values[key] = int(scores.get(key))
        except (TypeError, ValueError):
            values[key] = 0
        if not 1 <= values[key] <= 5:
            raise RatingError(_("Give every criterion a score from 1 to 5."))
    comment = (comment or "").strip()[:4000]
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=dossier, comment=comment, **values)
    except IntegrityError:
        raise RatingError(_("This dossier has already been rated. Thank you.")) from None
    if rating.overall <= DISSATISFIED_AT_MOST:
        Complaint.objects.create(
            dossier=dossier,
            rating=rating,
            text=comment or _("Not satisfied (no comment given)."),
        )
    return rating


def _leader_units(user) -> set[int]:
    return {unit for unit, role in access._roles(user) if role == Role.LEADER}


def leader_complaints(*, user, status: str = Complaint.Status.OPEN) -> QuerySet[Complaint]:
    """Complaints about the dossiers handled by the leader's units; nobody else's."""
    complaints = Complaint.objects.select_related(
        "dossier", "dossier__procedure_version", "dossier__handling_unit", "rating"
    )
    if not user.is_superuser:
        complaints = complaints.filter(dossier__handling_unit_id__in=_leader_units(user))
    if status:
        complaints = complaints.filter(status=status)
    return complaints.order_by("created_at", "id")


def is_leader(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_leader_units(user)))


@transaction.atomic
def complaint_answer(*, complaint, leader, answer: str) -> Complaint:
    """The unit leader answers, once; the citizen reads the answer on the dossier page."""
    answer = (answer or "").strip()
    if not answer:
        raise InvalidDossier(_("Write the answer to the citizen."))
    complaint = Complaint.objects.select_for_update().select_related("dossier").get(pk=complaint.pk)
    if not (leader.is_superuser or complaint.dossier.handling_unit_id in _leader_units(leader)):
        raise PermissionDenied(_("Only a leader of the handling unit answers this complaint."))
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("This complaint has already been answered."))
    complaint.status = Complaint.Status.ANSWERED
    complaint.answer = answer[:8000]
    complaint.answered_by = leader
    complaint.answered_at = timezone.now()
    complaint.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    return complaint


# --- Reads scoped to the citizen ---------------------------------------------------------------


def my_dossiers(*, user) -> QuerySet[Dossier]:
    return (
        access.visible_dossiers(user)
        .filter(applicant_user=user)
        .select_related("procedure_version", "handling_unit", "receiving_unit")
        .order_by("-submitted_at", "-id")
    )


def my_dossier(*, user, code: str) -> Dossier:
    dossier = my_dossiers(user=user).filter(code=code).first()
    if dossier is None:
        raise NotFound()
    return dossier


def my_drafts(*, user) -> QuerySet[ApplicationDraft]:
    return (
        ApplicationDraft.objects.filter(user=user, dossier__isnull=True)
        .select_related("procedure__current_version", "unit")
        .order_by("-updated_at")
    )


def my_draft(*, user, pk: int) -> ApplicationDraft:
    draft = my_drafts(user=user).filter(pk=pk).first()
    if draft is None:
        raise NotFound()
    return draft


def sent_draft_dossier(*, user, pk: int) -> Dossier | None:
    """The dossier a draft of this user became, if it was sent already."""
    draft = (
        ApplicationDraft.objects.filter(user=user, pk=pk, dossier__isnull=False)
        .select_related("dossier")
        .first()
    )
    return draft.dossier if draft else None


def open_draft_for(*, user, procedure) -> ApplicationDraft | None:
    return my_drafts(user=user).filter(procedure=procedure).first()
