from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from portal.accounts.models import StaffRole, User
from portal.notifications.models import Notification


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class MotCuaUserAdmin(UserAdmin):
    inlines = [StaffRoleInline]
    fieldsets = (*UserAdmin.fieldsets, ("MotCua", {"fields": ("phone", "preferred_language")}))
    list_display = ("username", "first_name", "last_name", "email", "is_staff")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was told to whom, when, and what failed."""

    list_display = ("created_at", "template", "channel", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "template")
    search_fields = ("dedupe_key", "dossier__code")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    list_select_related = ("dossier",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _describe(schedule) -> str:
    if isinstance(schedule, int | float):
        seconds = float(schedule)
        return _("every %(n)s s") % {"n": f"{seconds:g}"}
    if isinstance(schedule, timedelta):
        return _("every %(n)s s") % {"n": f"{schedule.total_seconds():g}"}
    if isinstance(schedule, crontab):
        return _("at %(hour)s:%(minute)s (days of week: %(days)s, %(tz)s)") % {
            "hour": ",".join(str(h).zfill(2) for h in sorted(schedule.hour)),
            "minute": ",".join(str(m).zfill(2) for m in sorted(schedule.minute)),
            "days": schedule._orig_day_of_week,
            "tz": settings.CELERY_TIMEZONE,
        }
    return str(schedule)


def beat_schedule(request):
    """The timers declared in code (CELERY_BEAT_SCHEDULE), listed read-only."""
    timers = [
        {
            "name": name,
            "task": entry["task"],
            "schedule": _describe(entry["schedule"]),
            "expires": entry.get("options", {}).get("expires"),
        }
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Timers (Celery beat)"),
        "timers": timers,
        "broker": settings.CELERY_BROKER_URL.split("://", 1)[0],
    }
    return TemplateResponse(request, "admin/timers.html", context)


_admin_urls = admin.site.get_urls


def _urls_with_timers():
    return [
        path("timers/", admin.site.admin_view(beat_schedule), name="timers"),
        *_admin_urls(),
    ]


# A page, not a model: the schedule lives in code and is shown where administrators look.
admin.site.get_urls = _urls_with_timers
