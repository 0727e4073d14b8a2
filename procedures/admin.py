from django.contrib import admin

from procedures.models import (
    CalendarException,
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "kind", "parent")
    list_filter = ("kind", "legacy_level")
    search_fields = ("code", "name_vi", "name_en")
    filter_horizontal = ("successors",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "legal_basis")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("name_vi", "name_en")


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = (
        "procedure",
        "number",
        "name_vi",
        "processing_unit",
        "processing_amount",
        "fee_vnd",
    )
    search_fields = ("procedure__code", "name_vi")
    inlines = [RequiredDocumentInline]
    readonly_fields = ("content_hash", "search_text")


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__", "field", "level", "is_active")
    list_filter = ("level", "field", "is_active")
    search_fields = ("code", "current_version__name_vi")
    raw_id_fields = ("current_version",)
