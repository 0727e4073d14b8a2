"""Sign-up and the citizen's profile: keyword-only writes, one transaction each."""

from django.contrib.auth import password_validation
from django.db import connection, transaction
from django.utils.translation import gettext as _

from portal.accounts.identity import (
    check_mobile,
    email_taken,
    phone_taken,
    split_name,
)
from portal.accounts.models import User
from portal.core.errors import Conflict, DomainError, ErrorCode


class InvalidAccount(DomainError):
    code = ErrorCode.INVALID


# Advisory lock key for sign-ups (any constant; "motcua" in ASCII).
REGISTRATION_LOCK = 0x6D6F74637561


def _serialise_registrations() -> None:
    """A transaction-scoped lock on PostgreSQL (SQLite already writes one transaction at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REGISTRATION_LOCK])


@transaction.atomic
def account_register(
    *, full_name: str, phone: str = "", email: str = "", password: str, language: str = "vi"
) -> User:
    """A citizen account. Its username is the phone (or the e-mail); either signs in."""
    if not (phone or email):
        raise InvalidAccount(_("Give a mobile number or an e-mail address, or both."))
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
def profile_update(
    *, user: User, full_name: str, phone: str = "", email: str = "", language: str = "vi"
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not (phone or email):
        raise InvalidAccount(_("Keep a mobile number or an e-mail address, or both."))
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
