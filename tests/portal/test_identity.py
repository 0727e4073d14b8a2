"""Phone and citizen-ID checks have one home (portal/accounts/identity.py): the shapes a dossier,
an imported row and an account take."""

import pytest
from django.core.exceptions import ValidationError

from portal.accounts import identity


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("0905 123 456", True),  # a mobile, spaces ignored
        ("02343822123", True),  # a landline: 11 digits
        ("905123456", False),  # the leading 0 forgotten
        ("09051234567890", False),
        ("0905-123-456", False),  # the desk's form gives digits and spaces only
    ],
)
def test_a_dossier_takes_a_mobile_or_a_landline(typed, accepted):
    assert identity.is_phone_number(typed) is accepted


def test_an_old_systems_export_may_lack_the_leading_zero():
    assert identity.is_phone_number("84905123456", leading_zero=False)
    assert not identity.is_phone_number("84905123456")


def test_an_account_takes_only_a_mobile_and_writes_it_with_its_leading_zero():
    assert identity.check_mobile("+84 905 123 456") == "0905123456"
    with pytest.raises(ValidationError):
        identity.check_mobile("02343822123")


def test_a_citizen_id_has_twelve_digits_and_a_province_code():
    assert identity.is_citizen_id_number("046095000123")
    assert not identity.is_citizen_id_number("04609500012")
    with pytest.raises(ValidationError):
        identity.check_citizen_id("999095000123")
