"""The public look-up's API, `GET /api/v1/lookup/{code}/?phone=...` (no login, no personal data;
throttled per address and, for wrong digits, per code: applications/selectors/lookup.py).

`Lookup` is the DRF view: the schema's operation, and the answer to every request out of the
ordinary (another method, a token, a browser asking for HTML, `?format=`, an error). The plain
GET a program or the receipt's page sends, asking for JSON, is answered by `lookup`, a plain
Django view, with the same status, headers and bytes as `Lookup` would give (a test holds the
two equal); DRF's request, negotiation, authentication and renderer cost more than the look-up
itself (issue 10). A found dossier, a wrong code or wrong digits, a spent budget and a cooling
code all pass through the guard once: an error answer is then written by `Lookup` from the
outcome the guard gave, never by a second try.

Every answer is the look-up of one person's dossier: `Cache-Control: private, no-store`, so no
shared cache or proxy keeps it (`guarded.no_store`).
"""

import json

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import timeliness
from applications.api.list_rows import moment
from applications.models import Dossier
from applications.models.states import state_label
from applications.selectors import lookup as guarded
from portal.core.api import error_responses
from portal.core.clientip import throttle_ident
from portal.core.errors import NotFound


class LookupOutput(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    timeliness = serializers.SerializerMethodField()
    procedure = serializers.CharField(source="procedure_version.name")
    unit = serializers.CharField(source="handling_unit.name")
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()

    def get_timeliness(self, obj) -> str | None:
        return timeliness.of(obj, timezone.now())


def lookup_answer(dossier: Dossier) -> dict:
    """`LookupOutput`'s answer written from plain values (its fields through DRF cost more than
    the rest of the look-up; issue 10). `LookupOutput` stays the schema, and a test holds the two
    to the same output."""
    zone = timezone.get_current_timezone()
    return {
        "code": dossier.code,
        "state": str(dossier.state),
        "state_label": state_label(dossier.state),
        "timeliness": timeliness.of(dossier, timezone.now()),
        "procedure": str(dossier.procedure_version.name),
        "unit": str(dossier.handling_unit.name),
        "received_at": moment(dossier.received_at, zone),
        "due_at": moment(dossier.due_at, zone),
    }


def _guarded(request: HttpRequest, code: str, phone: str) -> Dossier:
    return guarded.dossier_lookup_guarded(
        code=code,
        phone_last4=phone,
        address=guarded.address_budget(throttle_ident(request)),
    )


class Lookup(APIView):
    """Public look-up by code and the last 4 digits of the phone; no personal data; throttled
    per address and, for wrong digits, per code (applications/selectors/lookup.py)."""

    # Per client address, the same budget as the look-up page: counted by the guard, in the
    # same round trip to the cache as the code's turn (not a DRF throttle, a round trip of its
    # own; issue 10).
    throttle_classes: list = []

    def throttled(self, request, wait):
        error = exceptions.Throttled(
            detail=_("Too many look-ups from this connection. Try again in %(seconds)s seconds.")
            % {"seconds": int(wait or 60)}
        )
        error.wait = wait
        raise error

    def finalize_response(self, request, response, *args, **kwargs):
        return guarded.no_store(super().finalize_response(request, response, *args, **kwargs))

    @extend_schema(
        parameters=[OpenApiParameter("phone", str, required=True)],
        responses={200: LookupOutput, **error_responses(429)},
    )
    def get(self, request, code, outcome: Exception | None = None):
        """`outcome`: the guard's error when `lookup` already asked it (not asked again)."""
        try:
            if outcome is not None:
                raise outcome
            dossier = _guarded(request, code, request.query_params.get("phone", ""))
        except guarded.LookupThrottled as spent:
            self.throttled(request, spent.wait)
        except guarded.LookupCooling as cooling:
            response = Response(
                {"code": cooling.code, "detail": str(cooling.message), **cooling.extra},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(cooling.wait)
            return response
        return Response(lookup_answer(dossier))


_drf_lookup = Lookup.as_view()
# What DRF's JSON renderer would be chosen for, with no parameter that changes its output.
_JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


def _plain(request: HttpRequest) -> bool:
    """A GET that `Lookup` would answer in JSON, with no credentials to check."""
    meta = request.META
    return (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in meta
        and meta.get("HTTP_ACCEPT", "").strip() in _JSON_ACCEPTS
        and "format" not in request.GET
    )


def _json(data: dict) -> bytes:
    """DRF's `JSONRenderer` output: compact, UTF-8, U+2028 and U+2029 escaped."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


@csrf_exempt
def lookup(request: HttpRequest, code: str) -> HttpResponse:
    """The look-up's route: a plain JSON GET answered here, anything else by `Lookup`."""
    if not _plain(request):
        return _drf_lookup(request, code=code)
    try:
        dossier = _guarded(request, code, request.GET.get("phone", ""))
    except (guarded.LookupThrottled, guarded.LookupCooling, NotFound) as error:
        return _drf_lookup(request, code=code, outcome=error)  # written by DRF's view as before
    response = HttpResponse(_json(lookup_answer(dossier)), content_type="application/json")
    response["Vary"] = "Accept"
    response["Allow"] = "GET, HEAD, OPTIONS"
    return guarded.no_store(response)


# The schema's operation is `Lookup`'s: drf-spectacular documents a route whose view names a DRF
# view class, as `as_view()` does.
lookup.cls = Lookup  # type: ignore[attr-defined]
lookup.initkwargs = {}  # type: ignore[attr-defined]
