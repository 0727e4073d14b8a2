from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from portal.core.time import VN_TZ
from procedures.models import (
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Unit,
)
from procedures.workingtime import national_calendar


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "kind", "parent")
    list_filter = ("kind", "legacy_level")
    search_fields = ("code", "name_vi", "name_en")
    filter_horizontal = ("successors",)
    readonly_fields = ("national_calendar_note",)

    @admin.display(description=_("National calendar"))
    def national_calendar_note(self, obj=None):
        """Read-only: the days off and make-up Saturdays come from the repository's file."""
        return calendar_note()


def calendar_note() -> str:
    """Where the national calendar comes from, and which years are still provisional."""
    national = national_calendar()
    this_year = timezone.now().astimezone(VN_TZ).year
    lines = [
        _(
            "Public holidays, swapped days off and make-up working days are national: they come "
            "from procedures/data/calendar_vn.toml (version %(version)s) over the holidays "
            "package, not from this site."
        )
        % {"version": national.version},
        _("Government decisions are recorded up to %(year)s.")
        % {"year": national.last_decided_year},
    ]
    provisional = [y for y in range(this_year, this_year + 3) if national.is_provisional(y)]
    if provisional:
        lines.append(
            _(
                "Provisional (no government decision yet): %(years)s. Due dates in these years "
                "follow the Labour Code alone and may move when the decision is published."
            )
            % {"years": ", ".join(str(y) for y in provisional)}
        )
    lines += [
        f"{swap.day_off:%d/%m/%Y} ↔ {swap.working_day:%d/%m/%Y}: {swap.source}"
        for swap in national.swaps
        if swap.day_off.year >= this_year - 1
    ]
    return format_html_join("", "<p>{}</p>", ((line,) for line in lines))


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
