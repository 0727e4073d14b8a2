"""Admin: Open311 keys are managed here; reports are read-only (they change only through the
services, which keep their history). Categories are fixed choices (`models.Category`)."""

from django.contrib import admin

from feedback.models import Open311Key, Report, ReportEvent, ReportPhoto


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("created_at", "last_used_at")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ("at", "action", "from_state", "to_state", "actor_label", "note")
    readonly_fields = fields


class ReportPhotoInline(ReadOnlyInline):
    model = ReportPhoto
    fields = ("original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    # Contact details stay off the list; the detail shows them to admins only.
    list_display = (
        "code",
        "category",
        "unit",
        "state",
        "channel",
        "created_at",
        "pickup_due_at",
        "escalated_at",
        "rating",
    )
    list_filter = ("state", "category", "channel", "is_public")
    search_fields = ("code",)
    list_select_related = ("unit",)
    inlines = [ReportPhotoInline, ReportEventInline]
    show_full_result_count = False
    exclude = ("rating_key",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
