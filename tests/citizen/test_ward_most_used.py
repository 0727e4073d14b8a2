"""Issue 13, item 7: the home page lists the ward's most used procedures, counted from the
dossiers it received in the last 90 days (real counts, small ones left out, nothing invented)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from applications.selectors.usage import MIN_SHOWN, most_used_procedures
from tests.factories import DossierFactory, ProcedureFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward():
    """A ward where procedure `busy` was used 4 times, `some` 3, `rare` 2 (below the threshold),
    and `old` 5 times, 100 days ago (outside the window)."""
    unit = UnitFactory(name_vi="Phường Kiểm Thử")
    made = {name: ProcedureFactory() for name in ("busy", "some", "rare", "old")}
    for name, times in (("busy", 4), ("some", 3), ("rare", 2)):
        for _ in range(times):
            DossierFactory(unit=unit, procedure=made[name])
    for _ in range(5):
        DossierFactory(unit=unit, procedure=made["old"], at=timezone.now() - timedelta(days=100))
    return unit, made


def _listed(html):
    block = html.split('id="most-used-list"')[1].split("</ol>")[0]
    return re.findall(r'href="/thu-tuc/([^/"]+)/\?unit=', block)


def test_the_selector_counts_the_wards_dossiers_of_the_last_90_days_most_used_first(ward):
    unit, made = ward
    rows, since = most_used_procedures(unit=unit)
    assert [(r.code, r.count) for r in rows] == [(made["busy"].code, 4), (made["some"].code, 3)]
    assert MIN_SHOWN == 3
    assert timezone.now() - since > timedelta(days=89)


def test_another_wards_dossiers_do_not_count(ward):
    unit, made = ward
    other = UnitFactory()
    for _ in range(3):
        DossierFactory(unit=other, procedure=made["rare"])
    rows, _since = most_used_procedures(unit=unit)
    assert made["rare"].code not in [r.code for r in rows]


def test_the_home_page_lists_the_chosen_wards_most_used_with_real_counts(client, ward):
    unit, made = ward
    html = client.get("/", {"unit": unit.code}).content.decode()
    assert _listed(html) == [made["busy"].code, made["some"].code]
    assert "4 hồ sơ" in html or "4 dossiers" in html
    assert made["old"].current_version.name_vi not in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html


def test_a_ward_without_enough_dossiers_says_so_and_invents_nothing(client):
    quiet = UnitFactory()
    DossierFactory(unit=quiet)
    html = client.get("/", {"unit": quiet.code}).content.decode()
    assert 'id="most-used-none"' in html
    assert 'id="most-used-list"' not in html


def test_no_ward_or_an_unknown_one_shows_the_chooser_and_no_figures(client, ward):
    html = client.get("/").content.decode()
    assert 'name="unit"' in html
    assert 'id="most-used-list"' not in html
    unknown = client.get("/", {"unit": "99999"})
    assert unknown.status_code == 200
    assert 'id="most-used-list"' not in unknown.content.decode()
    assert client.get("/", {"unit": "x" * 5000}).status_code == 200


def test_a_signed_in_resident_sees_the_ward_of_their_last_dossier(client, ward):
    unit, made = ward
    resident = UserFactory()
    DossierFactory(unit=unit, procedure=made["busy"], channel="online", applicant=resident)
    client.force_login(resident)
    html = client.get("/").content.decode()
    assert _listed(html)[0] == made["busy"].code
    assert f'value="{unit.code}" selected' in html


@pytest.mark.parametrize("who", ["another ward's clerk", "a citizen of another ward"])
def test_the_figures_are_the_same_public_counts_for_anyone(client, ward, who):
    from tests.factories import staff

    unit, _made = ward
    anonymous = _listed(client.get("/", {"unit": unit.code}).content.decode())
    user = staff(UnitFactory(), "clerk") if who.startswith("another") else UserFactory()
    client.force_login(user)
    html = client.get("/", {"unit": unit.code}).content.decode()
    assert _listed(html) == anonymous
    assert "0905111222" not in html  # nothing of any applicant
