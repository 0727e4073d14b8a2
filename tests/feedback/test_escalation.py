"""Same-day handling: a report not picked up in time is told to the ward leader, once; a fire
at once. Frozen time."""

from datetime import datetime
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from feedback import services, tasks
from feedback.models import Report
from portal.notifications.models import Notification
from portal.notifications.services import render
from tests.feedback.conftest import new_report, user

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Tuesday 10 March 2026: an ordinary report at 09:00 is due to be picked up at 11:00.
TUESDAY_9 = datetime(2026, 3, 10, 9, 0, tzinfo=VN)


def leader_notices(template, **filters):
    return Notification.objects.filter(
        template=template, recipient=user("leader.kimlong"), **filters
    )


def test_the_pick_up_target_is_two_working_hours(demo):
    with freeze_time(TUESDAY_9):
        report = new_report()
    assert report.pickup_due_at == datetime(2026, 3, 10, 11, 0, tzinfo=VN)
    with freeze_time(datetime(2026, 3, 10, 16, 30, tzinfo=VN)):
        late_afternoon = new_report()
    # 30 minutes left today, 90 from the next morning's opening (07:00).
    assert late_afternoon.pickup_due_at == datetime(2026, 3, 11, 8, 30, tzinfo=VN)


def test_the_pick_up_target_comes_from_settings(demo, settings):
    settings.MOTCUA_FEEDBACK_PICKUP_WORKING_HOURS = 1
    settings.MOTCUA_FEEDBACK_EMERGENCY_MINUTES = 5
    with freeze_time(TUESDAY_9):
        assert new_report().pickup_due_at == datetime(2026, 3, 10, 10, 0, tzinfo=VN)
        fire = new_report(category="fire")
    assert fire.pickup_due_at == datetime(2026, 3, 10, 9, 5, tzinfo=VN)


def test_a_report_not_picked_up_in_time_is_told_to_the_leader_exactly_once(demo):
    with freeze_time(TUESDAY_9):
        report = new_report()
    with freeze_time(datetime(2026, 3, 10, 10, 59, tzinfo=VN)):
        assert tasks.escalate_unattended() == 0
    assert not leader_notices("feedback_late").exists()
    with freeze_time(datetime(2026, 3, 10, 11, 1, tzinfo=VN)):
        assert tasks.escalate_unattended() == 1
        assert tasks.escalate_unattended() == 0
    assert leader_notices("feedback_late", channel="inapp").count() == 1
    email = leader_notices("feedback_late", channel="email").get()
    assert email.recipient_address == "leader.kimlong@example.vn"
    report = Report.objects.get(pk=report.pk)
    assert report.escalated_at == datetime(2026, 3, 10, 11, 1, tzinfo=VN)
    assert report.events.filter(action="escalate", actor__isnull=True).count() == 1
    # Others are not told; the in-app notice reads well for the desk's notice list.
    assert not Notification.objects.filter(
        template="feedback_late", recipient=user("specialist.kimlong")
    ).exists()
    inapp = leader_notices("feedback_late", channel="inapp").get()
    inapp.language = "en"
    subject, body = render(inapp)
    assert report.code in subject
    assert "11:00 10/03/2026" in body


def test_a_report_picked_up_in_time_is_not_escalated(demo):
    with freeze_time(TUESDAY_9):
        report = new_report()
        services.report_assign(
            report=report, actor=user("clerk.kimlong"), assignee=user("specialist.kimlong")
        )
    with freeze_time(datetime(2026, 3, 10, 15, 0, tzinfo=VN)):
        assert tasks.escalate_unattended() == 0
    assert not leader_notices("feedback_late").exists()


def test_a_fire_tells_the_leader_at_once_and_again_if_not_picked_up(demo):
    with freeze_time(TUESDAY_9):
        fire = new_report(category="fire")
        assert leader_notices("feedback_emergency", channel="inapp").count() == 1
        assert leader_notices("feedback_emergency", channel="email").count() == 1
    assert fire.pickup_due_at == datetime(2026, 3, 10, 9, 15, tzinfo=VN)
    with freeze_time(datetime(2026, 3, 10, 9, 16, tzinfo=VN)):
        assert tasks.escalate_unattended() == 1
    assert leader_notices("feedback_late", channel="inapp").count() == 1
    assert not leader_notices("feedback_emergency").exclude(channel__in=["inapp", "email"])


def test_an_emergency_at_night_is_still_due_in_fifteen_minutes(demo):
    with freeze_time(datetime(2026, 3, 10, 23, 0, tzinfo=VN)):
        fire = new_report(category="fire")
        ordinary = new_report()
    assert fire.pickup_due_at == datetime(2026, 3, 10, 23, 15, tzinfo=VN)
    assert ordinary.pickup_due_at == datetime(2026, 3, 11, 9, 0, tzinfo=VN)


def test_the_leader_gets_an_sms_for_a_fire_when_a_phone_is_known(demo):
    leader = user("leader.kimlong")
    leader.phone = "0905000111"
    leader.save(update_fields=["phone"])
    new_report(category="fire")
    sms = Notification.objects.get(template="feedback_emergency", channel="sms")
    assert sms.recipient_phone == "0905000111"
