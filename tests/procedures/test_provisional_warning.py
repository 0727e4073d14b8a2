"""A dossier due in a year without a government holiday decision carries a warning (issue 11).

LEGAL.md:57-58 "Each year the government may swap a weekday off for a working Saturday": until it
has decided (procedures/data/calendar_vn.toml, last_decided_year), the year's due dates are
provisional.
"""

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model

from portal.accounts.models import Role
from portal.core.time import VN_TZ
from tests.factories import DossierFactory, ProcedureFactory, UnitFactory, staff

WARNING = "Tạm tính: Chính phủ chưa công bố lịch nghỉ lễ năm 2027"


@pytest.fixture
def ward(db):
    return UnitFactory()


@pytest.mark.parametrize(
    ("received", "warned"),
    [
        # 5 working days from Monday 28/12/2026: due in January 2027.
        pytest.param(datetime(2026, 12, 28, 9, 0, tzinfo=VN_TZ), True, id="due-in-2027"),
        pytest.param(datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ), False, id="due-in-2026"),
    ],
)
def test_the_desk_page_warns_when_the_due_moment_is_provisional(client, ward, received, warned):
    dossier = DossierFactory(unit=ward, procedure=ProcedureFactory(), at=received, received=True)
    client.force_login(staff(ward, Role.CLERK))
    page = client.get(f"/desk/ho-so/{dossier.code}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert (WARNING in page.content.decode()) is warned


def test_the_unit_admin_shows_the_calendar_note_read_only(client, db, demo):
    admin = get_user_model().objects.create_superuser("cal-admin", "a@example.com", "x" * 16)
    client.force_login(admin)
    from procedures.models import Unit

    unit = Unit.objects.get(code="19774")
    page = client.get(f"/admin/procedures/unit/{unit.pk}/change/", HTTP_ACCEPT_LANGUAGE="vi")
    if page.status_code in (302, 403):
        pytest.skip("the admin asks for a second factor in this configuration")
    body = page.content.decode()
    assert "calendar_vn.toml" in body
    assert "2026" in body
