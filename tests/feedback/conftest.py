import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from feedback import services
from feedback.models import Open311Key
from portal.accounts.models import User
from procedures.models import Unit


def _jpeg() -> bytes:
    # A real 1x1 photo: uploads are read by their header (size in pixels), not only their magic.
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "JPEG")
    return buffer.getvalue()


# The smallest files `filetype` recognises by content.
JPEG = _jpeg()
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"
PHONE = "0905777888"
EMAIL = "reporter@example.vn"


def jpeg(name="street.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def pdf_as_photo(name="fake.jpg"):
    return SimpleUploadedFile(name, PDF, content_type="image/jpeg")


def user(username):
    return User.objects.get(username=username)


def new_report(unit="19774", category="rubbish", **extra):
    values = {
        "category": category,
        "description": "Rác tồn đọng trước cổng chợ",
        "unit": Unit.objects.get(code=unit),
        "latitude": Decimal("16.458500"),
        "longitude": Decimal("107.552000"),
        "address": "Kiệt 65 Kim Long",
        "contact": services.Contact(name="Nguyễn Văn Tư", phone=PHONE, email=EMAIL),
        **extra,
    }
    return services.report_create(**values)


@pytest.fixture
def open311_key(demo):
    key, _ = Open311Key.objects.get_or_create(key="demo-open311-key", defaults={"name": "Demo"})
    return key


@pytest.fixture
def api(demo):
    def as_user(username=None):
        client = APIClient()
        if username:
            client.force_authenticate(user(username))
        return client

    return as_user
