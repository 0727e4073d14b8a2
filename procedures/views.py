"""The citizen's procedure finder: works without JavaScript, large type, Vietnamese first."""

from django.shortcuts import get_object_or_404, render

from procedures.models import Field, Level, Unit, UnitKind
from procedures.selectors import MAX_QUERY_LENGTH, procedure_catalogue, procedure_search


def finder(request):
    return render(request, "procedures/finder.html", finder_context(request))


def finder_context(request) -> dict:
    """The finder's search and filters (the composition's home page adds the ward's figures)."""
    query = request.GET.get("q", "")
    field = request.GET.get("field", "")
    level = request.GET.get("level", "")
    if level not in Level.values:
        level = ""
    searching = bool(query.strip() or field or level)
    results = procedure_search(query=query, field=field, level=level) if searching else []
    return {
        "query": query[:MAX_QUERY_LENGTH],
        "query_truncated": len(query) > MAX_QUERY_LENGTH,
        "field": field,
        "level": level,
        "fields": Field.objects.all(),
        "levels": Level.choices,
        "searching": searching,
        "results": results[:50],
        "result_count": len(results),
    }


def procedure_detail(request, code: str):
    procedure = get_object_or_404(
        procedure_catalogue().prefetch_related("current_version__documents"), code=code
    )
    units = Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE])
    unit_code = request.GET.get("unit", "")
    unit = units.filter(code=unit_code).first() if unit_code else None
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "version": procedure.current_version,
            "documents": procedure.current_version.documents.all(),
            "units": units,
            "unit": unit,
            "province": Unit.objects.filter(kind=UnitKind.PROVINCE).first(),
        },
    )
