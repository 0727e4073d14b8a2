"""Neighbourhood reports: codes, routing, the state flow, who may act, rating, demo data."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from freezegun import freeze_time

from feedback import services
from feedback.demo import seed_feedback
from feedback.errors import InvalidReport, InvalidTransition, RatingRefused
from feedback.models import Open311Key, Report, ReportEvent, State
from portal.accounts.models import Role
from portal.core.errors import BadAttachment, PermissionDenied
from tests.factories import ReportFactory, StaffFactory, UserFactory, staff
from tests.feedback.conftest import jpeg, new_report, pdf_as_photo, user

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TUESDAY_9 = datetime(2026, 3, 10, 9, 0, tzinfo=VN)


def test_a_report_gets_a_tracking_code_of_its_ward_and_day_without_gaps(demo):
    with freeze_time(TUESDAY_9):
        first = new_report()
        second = new_report()
        other_ward = new_report(unit="19789")
    assert first.code == "PA-19774-260310-0001"
    assert second.code == "PA-19774-260310-0002"
    assert other_ward.code == "PA-19789-260310-0001"
    assert first.state == State.NEW
    assert list(first.events.values_list("action", "to_state")) == [("submit", "new")]


def test_a_report_goes_to_the_ward_the_reporter_chose(demo):
    report = new_report(unit="19789")
    assert report.unit.code == "19789"
    assert report in Report.objects.filter(unit__code="19789")


def test_a_report_needs_a_ward_a_place_in_hue_and_a_description(demo):
    from decimal import Decimal

    from procedures.models import Unit

    with pytest.raises(InvalidReport) as no_place:
        new_report(latitude=None, longitude=None, address="")
    assert no_place.value.code == "location_required"
    with pytest.raises(InvalidReport) as outside:
        new_report(latitude=Decimal("21.028"), longitude=Decimal("105.854"))  # Hà Nội
    assert outside.value.code == "outside_area"
    with pytest.raises(InvalidReport):
        new_report(unit="475")  # a former district: not a ward
    with pytest.raises(InvalidReport):
        new_report(description="  ")
    with pytest.raises(InvalidReport):
        services.report_create(
            category="rubbish",
            description="x",
            unit=Unit.objects.get(kind="province"),
            address="somewhere",
        )
    assert not Report.objects.exists()


def test_photos_are_checked_by_content_and_a_bad_one_makes_nothing(demo):
    with pytest.raises(BadAttachment):
        new_report(photos=[jpeg(), pdf_as_photo()])
    with pytest.raises(BadAttachment):
        new_report(photos=[jpeg("1.jpg"), jpeg("2.jpg"), jpeg("3.jpg"), jpeg("4.jpg")])
    assert not Report.objects.exists()
    report = new_report(photos=[jpeg(), jpeg("b.jpg")])
    assert report.photos.count() == 2
    assert set(report.photos.values_list("content_type", flat=True)) == {"image/jpeg"}


def test_the_ward_picks_up_handles_and_answers_a_report(db):
    report = ReportFactory()
    clerk, specialist = staff(report.unit, Role.CLERK), staff(report.unit, Role.SPECIALIST)
    report = services.report_assign(report=report, actor=clerk, assignee=specialist)
    assert report.state == State.ASSIGNED
    assert report.assignee == specialist
    report = services.report_start(report=report, actor=specialist)
    assert report.state == State.IN_PROGRESS
    report = services.report_resolve(report=report, actor=specialist, answer="Đã thu gom")
    report = Report.objects.get(pk=report.pk)
    assert report.state == State.RESOLVED
    assert report.answer == "Đã thu gom"
    assert report.resolved_at is not None
    assert list(report.events.values_list("action", "from_state", "to_state")) == [
        ("submit", "", "new"),
        ("assign", "new", "assigned"),
        ("start", "assigned", "in_progress"),
        ("resolve", "in_progress", "resolved"),
    ]


def test_a_wrong_transition_is_refused_and_changes_nothing(db):
    report = ReportFactory()
    clerk, leader = staff(report.unit, Role.CLERK), staff(report.unit, Role.LEADER)
    with pytest.raises(InvalidTransition) as refused:
        services.report_resolve(report=report, actor=leader, answer="Xong")
    assert refused.value.code == "invalid_transition"
    assert refused.value.status == 409
    report = Report.objects.get(pk=report.pk)
    assert report.state == State.NEW
    assert report.answer == ""
    assert report.events.count() == 1
    rejected = services.report_reject(report=report, actor=clerk, reason="Trùng")
    with pytest.raises(InvalidTransition):
        services.report_assign(
            report=rejected, actor=leader, assignee=staff(report.unit, Role.SPECIALIST)
        )


def test_a_reject_needs_a_reason_and_an_answer_is_required(db):
    report = ReportFactory()
    with pytest.raises(InvalidReport):
        services.report_reject(report=report, actor=staff(report.unit, Role.CLERK), reason=" ")
    report = Report.objects.get(pk=report.pk)
    assert report.state == State.NEW


def test_only_the_assignee_or_a_leader_handles_and_officials_only_read(db):
    report = ReportFactory(assigned=True)
    assert report.assignee == staff(report.unit, Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.report_start(report=report, actor=staff(report.unit, Role.CLERK))
    with pytest.raises(PermissionDenied):
        services.report_start(report=report, actor=StaffFactory(official=True))
    report = services.report_start(report=report, actor=staff(report.unit, Role.LEADER))
    assert report.state == State.IN_PROGRESS


def test_the_assignee_must_be_staff_of_the_ward(demo):
    report = new_report()
    with pytest.raises(InvalidReport):
        services.report_assign(
            report=report, actor=user("clerk.kimlong"), assignee=user("clerk.thuanhoa")
        )
    with pytest.raises(InvalidReport):
        services.report_assign(report=report, actor=user("clerk.kimlong"), assignee=user("citizen"))


def test_the_reporter_rates_the_answer_once_after_it_is_closed(db):
    report = ReportFactory()
    with pytest.raises(RatingRefused):
        services.report_rate(report=report, score=5, key=report.rating_key)
    report = ReportFactory(resolved=True)
    with pytest.raises(PermissionDenied):
        services.report_rate(report=report, score=5, key="WRONGKEY")
    rated = services.report_rate(report=report, score=4, key=report.rating_key.lower())
    assert rated.rating == 4
    assert rated.rated_at is not None
    with pytest.raises(RatingRefused) as twice:
        services.report_rate(report=report, score=1, key=report.rating_key)
    assert twice.value.code == "already_rated"
    report = Report.objects.get(pk=report.pk)
    assert report.rating == 4
    assert report.events.filter(action="rate").count() == 1


def test_the_reporter_signed_in_rates_without_the_key(db):
    citizen = UserFactory()
    report = ReportFactory(rejected=True, actor=citizen)
    rated = services.report_rate(report=report, score=3, actor=citizen)
    assert rated.rating == 3


def test_history_is_append_only(demo):
    event = new_report().events.get()
    event.note = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert ReportEvent.objects.get(pk=event.pk).note == ""


def test_a_double_submit_makes_one_report(demo):
    first = new_report(submission_key="k-1", actor=user("citizen"))
    again = new_report(submission_key="k-1", actor=user("citizen"))
    assert first.pk == again.pk
    assert Report.objects.count() == 1


def test_the_demo_seeds_reports_in_every_state_and_the_open311_key_once(demo):
    assert "30 demo reports" in seed_feedback()
    assert "already present" in seed_feedback()
    assert Report.objects.count() == 30
    assert Open311Key.objects.filter(key="demo-open311-key", is_active=True).count() == 1
    assert set(Report.objects.values_list("state", flat=True)) == set(State.values)
    assert Report.objects.filter(rating__isnull=False).count() >= 5
    assert Report.objects.values("unit").distinct().count() >= 10
    codes = Report.objects.values_list("code", flat=True)
    assert all(re.fullmatch(r"PA-\d{5}-\d{6}-\d{4}", c) for c in codes)
    oldest = Report.objects.order_by("created_at").first()
    assert (timezone.now() - oldest.created_at).days >= 5
