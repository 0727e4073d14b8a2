"""The public-text filter (portal/core/privacy.py): personal data out, everything else kept."""

import pytest

from portal.core.privacy import PLACEHOLDER, contains_personal_data, redact

HIDDEN = [
    # Phones: mobile, every common prefix and separator.
    ("Gọi (+84) 912 345 678 nhé", "Gọi […] nhé"),
    ("0912.345.678", "[…]"),
    ("091-234-5678", "[…]"),
    ("+84912345678", "[…]"),
    ("+84 912 345 678", "[…]"),
    ("84912345678", "[…]"),
    ("0084 912 345 678", "[…]"),
    ("+84 (0) 912 345 678", "[…]"),
    ("0912345678", "[…]"),
    ("09 12 34 56 78", "[…]"),
    ("sđt:0912345678, gọi sau 17h", "sđt:[…], gọi sau 17h"),
    # Old 11-digit mobiles (before the 2018 renumbering) are still typed.
    ("0168 123 4567", "[…]"),
    # Landlines, with the province code.
    ("0234 3822 123", "[…]"),
    ("(0234) 3.822.123", "[…]"),
    # Citizen ID numbers: 12 digits (also in groups), the old 9-digit ID card.
    ("CCCD 046090001234.", "CCCD […]."),
    ("CCCD 046 090 001 234", "CCCD […]"),
    ("CCCD 0460 9000 1234", "CCCD […]"),
    ("CMND 191234567", "CMND […]"),
    # E-mail addresses.
    ("email an.nguyen@gmail.com.", "email […]."),
    ("liên hệ to.dan-pho_5+hue@thuathienhue.gov.vn", "liên hệ […]"),
    # Several in one text.
    ("An 0912345678 hoặc an@x.vn, CCCD 046090001234", "An […] hoặc […], CCCD […]"),
]

KEPT = [
    "ngày 10/03/2026",
    "2026-03-10 lúc 10:30",
    "1.500.000 đồng",
    "150.000.000đ",
    "150000000 đồng",
    "phạt 2.500.000 VNĐ",
    "16.458012, 107.553021",
    "16.4580123456",
    "PA-19774-260310-0001",
    "hồ sơ 19774-260310-0001",
    "số nhà 123/45 Kim Long",
    "Tổ 5, kiệt 12, 0,5 ha",
    "năm 2025 có 300 hồ sơ",
    "Tổng đài 1900 1234",
    "Quốc lộ 1A, km 812+300",
    "",
]


@pytest.mark.parametrize(("text", "shown"), HIDDEN)
def test_personal_data_typed_into_public_text_is_hidden(text, shown):
    assert redact(text) == shown
    assert contains_personal_data(text)


@pytest.mark.parametrize("text", KEPT)
def test_dates_money_codes_and_coordinates_are_kept(text):
    assert redact(text) == text
    assert not contains_personal_data(text)


def test_none_is_empty_text():
    assert redact(None) == ""


def test_the_placeholder_is_the_only_trace():
    assert redact("0912345678") == PLACEHOLDER
