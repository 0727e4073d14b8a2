"""The dossier rules moved into `applications/access.py` (issue 9: one home for every rule) keep
their behaviour: who may be handed a dossier, who receives at a unit's desk, whose complaints a
leader reads, who reads the statistics."""

import pytest
from django.contrib.auth.models import AnonymousUser

from applications import access, services
from applications.errors import InvalidDossier
from applications.models import Dossier
from applications.selectors.handover import handover_candidates
from applications.services.ratings import CRITERIA
from portal.accounts.models import Role
from portal.core.errors import ErrorCode, NotFound, PermissionDenied
from tests.factories import DossierFactory, StaffFactory, UnitFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.LEADER])
def test_a_specialist_or_leader_of_the_handling_unit_may_be_handed_the_dossier(role):
    dossier = DossierFactory()
    assert access.may_be_assigned(staff(dossier.handling_unit, role), dossier)


def test_a_clerk_or_another_units_specialist_may_not_be_handed_the_dossier():
    dossier = DossierFactory()
    clerk = staff(dossier.handling_unit, Role.CLERK)
    elsewhere = StaffFactory(specialist=True, unit=UnitFactory())
    assert not access.may_be_assigned(clerk, dossier)
    assert not access.may_be_assigned(elsewhere, dossier)
    with pytest.raises(InvalidDossier) as refused:
        services.dossier_start_review(dossier=dossier, actor=clerk, assignee=elsewhere)
    assert refused.value.code == ErrorCode.INVALID
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.state == "received"
    assert stored.assignee_id is None


def test_the_handover_list_offers_exactly_who_may_be_handed_the_dossier():
    dossier = DossierFactory()
    unit = dossier.handling_unit
    people = [staff(unit, role) for role in (Role.CLERK, Role.SPECIALIST, Role.LEADER)]
    offered = {c.user for c in handover_candidates(unit=unit)}
    assert offered == {p for p in people if access.may_be_assigned(p, dossier)}
    assert offered == {people[1], people[2]}


def test_the_desk_of_a_unit_receives_there_and_its_specialist_does_not():
    unit = UnitFactory()
    clerk, specialist = staff(unit, Role.CLERK), staff(unit, Role.SPECIALIST)
    citizen = UserFactory()
    assert access.at_unit_desk(clerk, unit.pk)
    assert access.may_receive_at(clerk, unit.pk)
    assert access.at_unit_desk(specialist, unit.pk)
    assert not access.may_receive_at(specialist, unit.pk)
    # A citizen applies as themself: not at the desk at all.
    assert not access.at_unit_desk(citizen, unit.pk)


def test_statistics_are_read_by_officials_for_the_city_and_by_leaders_for_their_units():
    unit = UnitFactory()
    official = StaffFactory(official=True, unit=UnitFactory())
    leader = staff(unit, Role.LEADER)
    assert access.statistics_scope(official) is None
    assert access.statistics_scope(leader) == {unit.pk}
    for user in (staff(unit, Role.CLERK), UserFactory()):
        assert not access.may_read_statistics(user)
        with pytest.raises(PermissionDenied):
            access.statistics_scope(user)


def test_a_leader_reads_only_the_complaints_about_the_dossiers_of_the_units_they_lead():
    dossier = DossierFactory(resolved=True, channel="online")
    other = DossierFactory(resolved=True, channel="online", unit=UnitFactory())
    low = dict.fromkeys(CRITERIA, 1)
    for d in (dossier, other):
        services.rating_submit(dossier=d, user=d.applicant_user, scores=low, comment="Chậm")
    leader = staff(dossier.handling_unit, Role.LEADER)
    assert {c.dossier_id for c in access.answerable_complaints(leader)} == {dossier.pk}
    assert list(access.answerable_complaints(staff(dossier.handling_unit, Role.CLERK))) == []


def test_a_dossier_received_at_the_desk_has_no_applicant_to_rate_it():
    dossier = DossierFactory(resolved=True)
    assert dossier.applicant_user_id is None
    for user in (AnonymousUser(), UserFactory()):
        assert not access.is_applicant(user, dossier)
        assert not access.may_rate(dossier, user)
        with pytest.raises(NotFound):
            services.rating_submit(dossier=dossier, user=user, scores=dict.fromkeys(CRITERIA, 5))
