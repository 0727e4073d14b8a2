"""The report rules moved into `feedback/access.py` (issue 9: one home for every rule) keep their
behaviour: who may be handed a report, who is offered on its page, who may rate and follow it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from feedback import access, services
from feedback.errors import InvalidReport
from feedback.models import Report
from portal.accounts.models import Role
from portal.core.errors import ErrorCode, PermissionDenied
from tests.factories import ReportFactory, StaffFactory, UnitFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def test_only_the_wards_staff_may_be_handed_a_report_and_are_offered_on_its_page():
    report = ReportFactory()
    ward = [staff(report.unit, role) for role in (Role.CLERK, Role.SPECIALIST, Role.LEADER)]
    official = StaffFactory(official=True, unit=report.unit)
    elsewhere = StaffFactory(clerk=True, unit=UnitFactory())
    for person in ward:
        assert access.may_be_assigned(person, report)
    for person in (official, elsewhere, UserFactory()):
        assert not access.may_be_assigned(person, report)
    assert list(access.assignable_staff(report)) == sorted(ward, key=lambda u: u.username)


def test_handing_a_report_to_someone_outside_the_ward_is_refused_and_changes_nothing():
    report = ReportFactory()
    elsewhere = StaffFactory(specialist=True, unit=UnitFactory())
    with pytest.raises(InvalidReport) as refused:
        services.report_assign(report=report, actor=staff(report.unit), assignee=elsewhere)
    assert refused.value.code == ErrorCode.INVALID
    stored = Report.objects.get(pk=report.pk)
    assert stored.state == "new"
    assert stored.assignee_id is None


def test_the_reporter_rates_with_the_key_and_nobody_else_does():
    report = ReportFactory(resolved=True)
    assert access.holds_key(report, f" {report.rating_key.lower()} ")
    assert not access.holds_key(report, "")
    assert not access.may_rate(AnonymousUser(), report, "WRONG")
    assert not access.may_rate(UserFactory(), report, None)
    with pytest.raises(PermissionDenied):
        services.report_rate(report=report, score=5, key="WRONG")
    services.report_rate(report=report, score=4, key=report.rating_key)
    assert Report.objects.get(pk=report.pk).rating == 4
