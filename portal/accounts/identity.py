"""The one home of the checks on what people type about themselves: Vietnamese mobile numbers,
12-digit citizen ID numbers (căn cước), names in Vietnamese order, and whether a phone or e-mail
is already someone's account."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User

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


def phone_digits(value: str) -> str:
    """A phone number as typed, spaces removed."""
    return (value or "").replace(" ", "")


def is_phone_number(value: str, *, leading_zero: bool = True) -> bool:
    """A Vietnamese phone number as a dossier, a report or an imported row may give it: 10 digits
    (mobile) or 11 (landline), starting with 0 (old systems' exports: not always). Spaces are
    ignored. The citizen's own account takes mobiles only (`check_mobile`)."""
    phone = phone_digits(value)
    return (
        phone.isdigit() and 10 <= len(phone) <= 11 and (phone.startswith("0") or not leading_zero)
    )


def is_citizen_id_number(value: str) -> bool:
    """The shape of a citizen ID (căn cước): 12 digits. `check_citizen_id` also checks what the
    digits say (province, birth year)."""
    return value.isdigit() and len(value) == 12


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


def full_name_of(user: User) -> str:
    return f"{user.last_name} {user.first_name}".strip()


def phone_taken(phone: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(phone=phone)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()
