"""Admin: counters are configured here; tickets and dossiers are read-only (they change only
through the services, which keep their history)."""

from django.contrib import admin

from applications.models import Dossier, DossierEvent, QueueTicket, ServiceCounter
from applications.models.delegations import SignatureDelegation
from applications.models.satisfaction import NationalRating


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceCounter)
class ServiceCounterAdmin(admin.ModelAdmin):
    list_display = ("unit", "number", "name", "is_open")
    list_filter = ("is_open",)
    search_fields = ("unit__code", "unit__name_vi", "name")
    autocomplete_fields = ["unit"]
    filter_horizontal = ("fields",)


@admin.register(QueueTicket)
class QueueTicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "unit", "day", "field", "state", "counter", "issued_at", "called_at")
    list_filter = ("state", "day")
    search_fields = ("unit__code", "unit__name_vi")
    date_hierarchy = "day"
    list_select_related = ("unit", "field", "counter", "counter__unit")


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "actor_label", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Append-only: the database refuses it too (models.APPEND_ONLY).
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    # Personal data (citizen ID, phone) stays off the list; the detail shows it to admins only.
    list_display = (
        "code",
        "procedure",
        "handling_unit",
        "state",
        "channel",
        "received_at",
        "due_at",
    )
    list_filter = ("state", "channel", "is_transferred")
    search_fields = ("code", "legacy_code")
    list_select_related = ("procedure", "handling_unit")
    inlines = [DossierEventInline]
    show_full_result_count = False


@admin.register(SignatureDelegation)
class SignatureDelegationAdmin(admin.ModelAdmin):
    """Issue 11: a unit lets its specialists issue one procedure's result without a leader."""

    list_display = ("unit", "procedure", "decision", "created_at")
    list_filter = ("unit",)
    autocomplete_fields = ("unit", "procedure")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(NationalRating)
class NationalRatingAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "score", "band", "created_at")
    list_filter = ("band",)
