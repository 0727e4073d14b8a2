"""The public-text filter: what a resident typed, shown to everyone, without personal data.

Residents type their phone number, their e-mail address or an ID number into a report's
description or address ("gọi tôi (+84) 912 345 678"); public pages, the public map, Open311 and
the portal API show that text to anyone. `redact` hides, before the text leaves the portal:

- Vietnamese phone numbers in every common form: +84 / 84 / 0084 / 0 prefixes, spaces, dots,
  dashes and parentheses ("(+84) 912 345 678", "0912.345.678", "091-234-5678", "+84912345678",
  landlines such as "0234 3822 123"). Google's libphonenumber (`phonenumbers`) finds the numbers
  valid in Vietnam's numbering plan; a pattern also catches the old 11-digit mobiles and
  numbers with unassigned prefixes that the plan no longer lists.
- Citizen ID numbers: the 12-digit căn cước công dân (also typed in groups of 3 or 4) and the
  9-digit chứng minh nhân dân.
- E-mail addresses.

It leaves dates ("10/03/2026"), money ("1.500.000 đồng", "150.000.000đ"), decimals and GPS
coordinates ("16.458012, 107.553021"), dossier and report codes ("PA-19774-260310-0001") and
public service hotlines (1900 / 1800 numbers) alone. Decision record: docs/adr/0006.
"""

from __future__ import annotations

import re

import phonenumbers

PLACEHOLDER = "[…]"
REGION = "VN"

# Hotlines of public services and businesses are not personal data.
_PUBLIC_NUMBER_TYPES = {
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
}

# Never inside a word, a code ("PA-19774-260310-0001"), a decimal or a longer number.
_START = r"(?<![\w.,\-/+])"
_END = r"(?![\w\-/]|[.,]\d)"

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)

# 12 digits in a row, or in groups of 3 or 4 separated by single spaces; 9 digits in a row.
_CITIZEN_ID = re.compile(
    _START
    + r"(?:\d{12}|\d{4}(?: \d{4}){2}|\d{3}(?: \d{3}){3}|\d{9})"
    + _END
    # "150000000 đồng" is money.
    + r"(?!\s?(?:đ|vn[dđ]|dong|đồng))",
    re.IGNORECASE,
)

# A prefix (+84, (+84), 84, 0084, 0, (0...), then 9 or 10 digits of the national number with at
# most one separator (space, dot, dash, parenthesis) between two digits.
_PHONE = re.compile(
    _START
    + r"(?:\(?(?:\+|00)?84\)?[\s.\-]?(?:\(0\)[\s.\-]?)?|\(?0)"
    + r"(?:\d\)?[\s.\-]?){8,9}\d"
    + _END
)


def _spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _EMAIL.finditer(text)]
    spans += [m.span() for m in _CITIZEN_ID.finditer(text)]
    spans += [m.span() for m in _PHONE.finditer(text)]
    for match in phonenumbers.PhoneNumberMatcher(
        text, REGION, leniency=phonenumbers.Leniency.VALID
    ):
        if phonenumbers.number_type(match.number) not in _PUBLIC_NUMBER_TYPES:
            spans.append((match.start, match.end))
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact(text: str | None) -> str:
    """`text` with phone numbers, citizen ID numbers and e-mail addresses replaced by […]."""
    if not text:
        return ""
    out, last = [], 0
    for start, end in _merged(_spans(text)):
        out.append(text[last:start])
        out.append(PLACEHOLDER)
        last = end
    out.append(text[last:])
    return "".join(out)


def contains_personal_data(text: str | None) -> bool:
    return bool(text) and bool(_spans(text or ""))


def mask(value: str, keep: int = 3) -> str:
    """Citizen IDs and phones in lists: only the last digits show."""
    if not value:
        return ""
    return "•" * max(len(value) - keep, 0) + value[-keep:]
