"""The look-up's guard (applications/selectors/lookup.py): the right digits are answered without
taking the code's turn (nothing is recorded); while another attempt of the code holds the turn
they wait for it, as before; wrong digits take the turn and are counted (issue 10)."""

import pytest
from django.core.cache import cache

from applications.selectors import lookup
from portal.core.errors import NotFound
from portal.core.throttling import Cooldown, key_for
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    return DossierFactory(state="in_review", applicant_phone="0905111222")


def _taken(monkeypatch) -> list[str]:
    taken: list[str] = []
    original = Cooldown._acquire_and_read

    def spy(self, busy, ident, budget=None):
        taken.append(ident)
        return original(self, busy, ident, budget)

    monkeypatch.setattr(Cooldown, "_acquire_and_read", spy)
    return taken


def test_the_right_digits_take_no_turn(dossier, monkeypatch):
    taken = _taken(monkeypatch)
    found = lookup.dossier_lookup_guarded(code=dossier.code, phone_last4="1222")
    assert found.pk == dossier.pk
    assert taken == []
    assert cache.get(f"{key_for('lookup-code', dossier.code)}:busy") is None


def test_wrong_digits_take_the_turn_and_are_counted(dossier, monkeypatch):
    taken = _taken(monkeypatch)
    with pytest.raises(NotFound):
        lookup.dossier_lookup_guarded(code=dossier.code, phone_last4="0000")
    assert taken == [dossier.code]
    assert lookup._cooldown().wait_for(dossier.code) == 0  # one failure: within the burst
    for _ in range(4):
        with pytest.raises(NotFound):
            lookup.dossier_lookup_guarded(code=dossier.code, phone_last4="0000")
    with pytest.raises(lookup.LookupCooling):
        lookup.dossier_lookup_guarded(code=dossier.code, phone_last4="1222")


def test_the_right_digits_wait_for_an_attempt_in_flight(dossier, monkeypatch):
    busy = f"{key_for('lookup-code', dossier.code)}:busy"
    cache.add(busy, 1, timeout=10)  # another attempt of this code holds the turn
    waited = []

    def acquire(key):
        waited.append(key)
        cache.delete(key)  # the other attempt ends
        return cache.add(key, 1, timeout=10)

    monkeypatch.setattr(Cooldown, "_acquire", staticmethod(acquire))
    found = lookup.dossier_lookup_guarded(code=dossier.code, phone_last4="1222")
    assert found.pk == dossier.pk
    assert waited == [busy]
    assert cache.get(busy) is None  # given back
