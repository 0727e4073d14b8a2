"""The public look-up (`/tra-cuu/`): the receipt's QR code opens it. No login, no personal data.

Throttled per client address (the same budget as the API look-up, in the shared cache) and per
dossier code for wrong digits (applications/selectors/lookup.py).
"""

from django.shortcuts import render
from django.utils import timezone

from applications import timeliness
from applications.models.states import state_label
from applications.selectors import lookup as guarded
from portal.core.clientip import throttle_ident
from portal.core.errors import NotFound


def _too_many(request, context, *, wait: int, **extra):
    response = render(request, "portal/lookup.html", {**context, **extra}, status=429)
    response["Retry-After"] = str(wait)
    return guarded.no_store(response)


def lookup(request):
    """The receipt's QR code opens `/tra-cuu/?code=...` (GET, the code only); the form sends the
    phone digits by POST, so they stay out of the address bar, the history and the access log.
    An old link with `phone` in the query string still answers."""
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("code", "").strip()[:40]
    phone = data.get("phone", "").strip()[:4]
    context = {"code": code, "phone": "", "dossier": None, "not_found": False}
    status = 200
    if code and phone:
        try:
            dossier = guarded.dossier_lookup_guarded(
                code=code,
                phone_last4=phone,
                address=guarded.address_budget(throttle_ident(request)),
            )
        except guarded.LookupThrottled as spent:
            wait = spent.wait
            return _too_many(request, context, wait=wait, throttled=True, retry_seconds=wait)
        except guarded.LookupCooling as cooling:
            return _too_many(request, context, wait=cooling.wait, cooling=cooling.message)
        except NotFound:
            context["not_found"] = True
            status = 404
        else:
            word = timeliness.of(dossier, timezone.now())
            context.update(
                dossier=dossier,
                # The result's holes (templates/portal/lookup.html), plain values.
                result_code=dossier.code,
                procedure_name=dossier.procedure_version.name,
                unit_name=dossier.handling_unit.name,
                state_label=state_label(dossier.state),
                timeliness=word,
                timeliness_label=timeliness.LABELS.get(word, ""),
            )
    return guarded.no_store(render(request, "portal/lookup.html", context, status=status))
