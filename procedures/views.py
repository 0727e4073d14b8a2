"""The citizen's procedure finder: works without JavaScript, large type, Vietnamese first."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from procedures import snapshot
from procedures.models import Level
from procedures.selectors import MAX_QUERY_LENGTH, procedure_search


def finder(request):
    return render(request, "procedures/finder.html", finder_context(request))


def _options(pairs, selected: str) -> SafeString:
    """A select's `<option>`s, `selected` marked."""
    selection = mark_safe(" selected")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, selection if value == selected else "", label) for value, label in pairs),
    )


def finder_context(request, catalogue: snapshot.Snapshot | None = None) -> dict:
    """The finder's search and filters (the composition's home page adds the ward's figures);
    `catalogue`: the snapshot the caller already holds."""
    query = request.GET.get("q", "")
    field = request.GET.get("field", "")
    level = request.GET.get("level", "")
    if level not in Level.values:
        level = ""
    searching = bool(query.strip() or field or level)
    catalogue = catalogue or snapshot.current()
    results = (
        procedure_search(query=query, field=field, level=level, catalogue=catalogue)
        if searching
        else []
    )
    language = get_language()
    # The filters' options depend on the catalogue, the language and the choice only: built
    # once per snapshot (an unknown field selects nothing, as before).
    chosen_field = field if field in catalogue.field_codes else ""
    field_options = catalogue.memo(
        ("finder-fields", language, chosen_field),
        lambda: _options([(f.code, f.name) for f in catalogue.fields], chosen_field),
    )
    level_options = catalogue.memo(
        ("finder-levels", language, level), lambda: _options(Level.choices, level)
    )
    return {
        "query": query[:MAX_QUERY_LENGTH],
        "query_truncated": len(query) > MAX_QUERY_LENGTH,
        "field": field,
        "level": level,
        "fields": catalogue.fields,
        "levels": Level.choices,
        "field_options": field_options,
        "level_options": level_options,
        "searching": searching,
        "results": results[:50],
        # Each row's HTML depends on the procedure and the language only: rendered once per
        # catalogue snapshot (procedures/snapshot.py).
        "result_rows": [
            snapshot.memo_for(
                p,
                ("finder-row", language),
                lambda p=p: render_to_string("procedures/_result.html", {"p": p}),
            )
            for p in results[:50]
        ],
        "result_count": len(results),
    }


def procedure_detail(request, code: str):
    catalogue = snapshot.current()
    procedure = catalogue.procedure(code)
    if procedure is None:
        raise Http404
    unit = catalogue.unit(request.GET.get("unit", ""))
    context = {
        "procedure": procedure,
        "version": procedure.current_version,
        "documents": procedure.current_version.documents.all(),
        "units": catalogue.units,
        "unit": unit,
        "province": catalogue.province,
    }

    def body() -> str:
        # The page's content depends on the procedure, the language and the chosen unit only
        # (no user, no form token): without a unit chosen, it is rendered once per snapshot.
        return render_to_string("procedures/_detail_body.html", context)

    if unit is None:
        context["body"] = snapshot.memo_for(procedure, ("detail-body", get_language()), body)
    else:
        context["body"] = body()
    return render(request, "procedures/detail.html", context)
