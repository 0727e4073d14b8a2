"""Time in Vietnam: the one time zone the portal's deadlines, figures and printed forms use.

Decree 61/2018 counts deadlines in working days of the ward, so "today" is Huế's date, whatever
the server's clock says. Vietnam has no daylight saving time.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def when(moment: datetime | None) -> str:
    """A moment as people read it in Huế: 16:30 10/03/2026 (local time)."""
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")
