"""What ward leaders and reporters are told about neighbourhood reports.

Written to the outbox in the caller's transaction (portal/notifications/services.py) and sent after
commit. Each notice's key names the event, the report, the recipient and the channel, so a
sweep run twice, or an emergency retried, tells nobody twice. The templates live in
feedback/templates/notifications/<language>/.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from portal.accounts.selectors import leaders_by_unit
from portal.core.site import site_url
from portal.core.time import when
from portal.notifications.models import Notification
from portal.notifications.services import language_of, notify

INAPP, EMAIL, SMS = (
    Notification.Channel.INAPP,
    Notification.Channel.EMAIL,
    Notification.Channel.SMS,
)


def report_context(report) -> dict:
    with translation.override("vi"):
        category_vi = str(report.get_category_display())
    with translation.override("en"):
        category_en = str(report.get_category_display())
    return {
        "code": report.code,
        "category_vi": category_vi,
        "category_en": category_en,
        "unit_vi": report.unit.name_vi,
        "unit_en": report.unit.name_en or report.unit.name_vi,
        "address": report.address,
        "reported": when(report.created_at),
        "due": when(report.pickup_due_at),
        "state": report.state,
        "answer": report.answer,
        "staff_url": site_url() + reverse("feedback:staff_report", args=[report.code]),
        "public_url": site_url() + reverse("feedback:follow", args=[report.code]),
    }


def tell_leaders(report, *, event: str, template: str) -> int:
    """In the portal and by e-mail to each leader of the ward; an emergency also by SMS."""
    channels = (INAPP, EMAIL, SMS) if report.is_emergency else (INAPP, EMAIL)
    context = report_context(report)
    told = 0
    for leader in leaders_by_unit([report.unit_id]).get(report.unit_id, []):
        for channel in channels:
            notice = notify(
                channel=channel,
                template=template,
                dedupe_key=f"{event}:{report.pk}:{leader.pk}:{channel}",
                context=context,
                recipient=leader,
                address=leader.email if channel == EMAIL else "",
                phone=leader.phone if channel == SMS else "",
                language=language_of(leader),
            )
            told += notice is not None
    return told


def tell_reporter(report) -> int:
    """The answer, to the contact e-mail and phone the reporter chose to give (if any)."""
    context = report_context(report)
    language = language_of(report.reporter_user)
    told = 0
    for channel, target in (
        (EMAIL, {"address": report.contact_email}),
        (SMS, {"phone": report.contact_phone}),
    ):
        notice = notify(
            channel=channel,
            template="feedback_answered",
            dedupe_key=f"feedback-answered:{report.pk}:reporter:{channel}",
            context=context,
            recipient=report.reporter_user,
            language=language,
            **target,
        )
        told += notice is not None
    return told
