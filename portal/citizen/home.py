"""The home page: the procedure finder (procedures) with the ward's most used procedures
(counted from its dossiers, applications). The composition is where the two meet."""

from django.shortcuts import render
from django.utils import timezone

from applications.selectors import usage
from procedures import snapshot
from procedures.views import finder_context


def home(request):
    catalogue = snapshot.current()  # one read of the shared generation for the page
    context = finder_context(request, catalogue)
    wards = catalogue.memo(
        ("wards-by-name",), lambda: sorted(catalogue.units, key=lambda unit: unit.name_vi)
    )
    code = request.GET.get("unit", "")[:10]
    ward = next((w for w in wards if w.code == code), None) if code else None
    if ward is None and not code:
        ward = usage.last_ward_of(request.user)
    most_used, since = ([], None) if ward is None else usage.most_used_procedures(unit=ward)
    context.update(
        {
            "wards": wards,
            "ward": ward,
            "unknown_ward": bool(code) and ward is None,
            "most_used": most_used,
            "since": since,
            "today": timezone.localdate(),
            "window_days": usage.WINDOW_DAYS,
            "min_shown": usage.MIN_SHOWN,
        }
    )
    return render(request, "procedures/finder.html", context)
