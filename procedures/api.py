"""Read API of units, procedures and the working-day calendar (DESIGN.md names)."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core import limits
from portal.core.errors import ErrorCode
from procedures import snapshot
from procedures.errors import BadCalendarQuery
from procedures.models import Level, RequiredDocument, Unit
from procedures.selectors import procedure_catalogue, procedure_search, provisional_note
from procedures.services import procedure_due_at, working_calendar
from procedures.workingtime import ProcessingUnit


class UnitOutput(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    successors = serializers.SlugRelatedField(slug_field="code", read_only=True, many=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "name_vi", "name_en", "kind", "parent", "successors", "address"]


class UnitList(generics.ListAPIView):
    """Every unit, former (legacy) ones included."""

    serializer_class = UnitOutput
    queryset = (
        Unit.objects.select_related("parent")
        .prefetch_related("successors")
        .order_by("kind", "code")
    )

    def get_queryset(self):
        queryset = super().get_queryset()
        kind = self.request.query_params.get("kind")
        return queryset.filter(kind=kind) if kind else queryset


class DocumentOutput(serializers.ModelSerializer):
    class Meta:
        model = RequiredDocument
        fields = [
            "id",
            "position",
            "name",
            "name_vi",
            "name_en",
            "kind",
            "count",
            "required",
            "condition",
        ]


@extend_schema_field(
    {"type": "string", "pattern": r"^[0-2]\d:[0-5]\d$", "example": "15:00", "nullable": True}
)
class HourMinuteField(serializers.TimeField):
    """A time of day as HH:MM (a cut-off hour), not OpenAPI's HH:MM:SS `time`."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ProcedureOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="current_version.name")
    name_vi = serializers.CharField(source="current_version.name_vi")
    name_en = serializers.CharField(source="current_version.name_en")
    field = serializers.CharField(source="field.code")
    field_name = serializers.CharField(source="field.name")
    level = serializers.CharField()
    version = serializers.IntegerField(source="current_version.number")
    processing_unit = serializers.CharField(source="current_version.processing_unit")
    processing_amount = serializers.DecimalField(
        source="current_version.processing_amount", max_digits=6, decimal_places=1, allow_null=True
    )
    cutoff = HourMinuteField(source="current_version.cutoff", allow_null=True)
    fee_vnd = serializers.IntegerField(source="current_version.fee_vnd", allow_null=True)
    online_level = serializers.CharField(source="current_version.online_level")


class FieldSourcesOutput(serializers.Serializer):
    """Where the documents, the time and the fee were taken from; null where the field is unknown.
    The catalogue file names its sources per procedure, not per field: a known field has the
    procedure's whole source list (sources separated by " ; ")."""

    documents = serializers.CharField(allow_null=True)
    processing = serializers.CharField(allow_null=True)
    fee = serializers.CharField(allow_null=True)


class ProcedureDetailOutput(ProcedureOutput):
    fee_note = serializers.CharField(source="current_version.fee_note")
    processing_note = serializers.CharField(source="current_version.processing_note")
    processing_note_en = serializers.CharField(source="current_version.processing_note_en")
    clock_policy = serializers.CharField(source="current_version.clock_policy")
    authority = serializers.CharField(source="current_version.authority")
    legal_basis = serializers.ListField(
        source="current_version.legal_basis_lines", child=serializers.CharField()
    )
    documents = DocumentOutput(source="current_version.documents", many=True)
    sources = FieldSourcesOutput(source="current_version.sources")


class ProcedureList(generics.ListAPIView):
    """Procedures; `search` ignores Vietnamese diacritics and ranks the best match first."""

    serializer_class = ProcedureOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="words, diacritics optional"),
            OpenApiParameter("field", str, description="field code"),
            OpenApiParameter(
                "level", str, enum=["", *Level.values], description="empty: every level"
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the portal's pagination is always on
        language = get_language()
        rows = [
            snapshot.memo_for(p, ("row", language), lambda p=p: ProcedureOutput(p).data)
            for p in page
        ]
        return self.get_paginated_response(rows)

    def get_queryset(self):
        params = self.request.query_params
        level = params.get("level", "")
        if level and level not in Level.values:
            raise BadCalendarQuery(
                _("Unknown level “%(level)s”.") % {"level": level[:40]},
                code=ErrorCode.INVALID_QUERY,
            )
        return procedure_search(
            query=params.get("search", ""), field=params.get("field", ""), level=level
        )


class ProcedureDetail(generics.RetrieveAPIView):
    serializer_class = ProcedureDetailOutput

    def get_object(self):
        procedure = snapshot.current().procedure(self.kwargs["code"])
        if procedure is None:
            raise Http404
        return procedure

    def retrieve(self, request, *args, **kwargs):
        procedure = self.get_object()
        data = snapshot.memo_for(
            procedure,
            ("detail", get_language()),
            lambda: ProcedureDetailOutput(procedure).data,
        )
        return Response(data)


def _parse_start(value: str | None) -> datetime:
    if not value:
        raise BadCalendarQuery(
            _("Give the start moment as an ISO date-time, e.g. 2026-02-13T10:00.")
        )
    try:
        start = parse_datetime(value.strip())
    except ValueError:
        start = None
    if start is None:
        raise BadCalendarQuery(
            _("“%(value)s” is not an ISO date-time such as 2026-02-13T10:00.")
            % {"value": value[:40]}
        )
    if not limits.date_in_range(start):
        raise BadCalendarQuery(
            _("The start moment must lie between %(earliest)s and %(latest)s.")
            % {"earliest": limits.EARLIEST, "latest": limits.LATEST}
        )
    if is_naive(start):
        start = make_aware(start)
    return start


def _parse_amount(value: str, *, limit: int, what: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise BadCalendarQuery(_("%(what)s must be a number.") % {"what": what}) from None
    if not amount.is_finite() or amount <= 0 or amount > limit:
        raise BadCalendarQuery(
            _("%(what)s must be between 1 and %(limit)s.") % {"what": what, "limit": limit}
        )
    return amount


@extend_schema(
    parameters=[
        OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
        OpenApiParameter("working_days", int),
        OpenApiParameter("working_hours", float),
        OpenApiParameter("procedure", str, description="procedure code: its own processing time"),
        OpenApiParameter("unit", str, description="unit code: its working hours"),
    ],
    responses={
        200: inline_serializer(
            "DueDate",
            {
                "start": serializers.DateTimeField(),
                "received_at": serializers.DateTimeField(),
                "due_at": serializers.DateTimeField(),
                "provisional": serializers.BooleanField(
                    help_text="True when the due moment falls in a year with no government "
                    "holiday decision yet (procedures/data/calendar_vn.toml): it may move."
                ),
                "note": serializers.CharField(allow_null=True),
            },
        )
    },
)
class DueDate(APIView):
    """When a dossier received at `start` is due, counting working time only."""

    def get(self, request):
        params = request.query_params
        start = _parse_start(params.get("start"))
        unit = None
        if params.get("unit"):
            unit = Unit.objects.filter(code=params["unit"]).first()
            if unit is None:
                raise BadCalendarQuery(_("Unknown unit code."), code=ErrorCode.UNKNOWN_UNIT)
        calendar = working_calendar(unit)
        received = calendar.normalise(start)
        given = [k for k in ("working_days", "working_hours", "procedure") if params.get(k)]
        if len(given) != 1:
            raise BadCalendarQuery(
                _("Give exactly one of working_days, working_hours or procedure.")
            )
        if params.get("procedure"):
            procedure = procedure_catalogue().filter(code=params["procedure"]).first()
            if procedure is None:
                raise BadCalendarQuery(
                    _("Unknown procedure code."), code=ErrorCode.UNKNOWN_PROCEDURE
                )
            due = procedure_due_at(version=procedure.current_version, start=start, unit=unit)
            if due is None:
                raise BadCalendarQuery(
                    _(
                        "This procedure has no published processing time; "
                        "the desk sets the appointment."
                    ),
                    code=ErrorCode.NO_PROCESSING_TIME,
                )
        elif params.get("working_days"):
            days = _parse_amount(params["working_days"], limit=365, what=_("working_days"))
            if days != days.to_integral_value():
                raise BadCalendarQuery(_("working_days must be a whole number."))
            due = calendar.due_at(received, unit=ProcessingUnit.WORKING_DAYS, amount=int(days))
        else:
            hours = _parse_amount(params["working_hours"], limit=2920, what=_("working_hours"))
            due = calendar.due_at(received, unit=ProcessingUnit.WORKING_HOURS, amount=hours)
        # Issue 11: a year without the government's holiday decision is computed from the Labour
        # Code alone; say so rather than present the date as settled.
        # The due moment is never before the receipt, and provisional years are the latest
        # ones: the computation touches one exactly when the due moment falls in one.
        note = provisional_note(due)
        return Response(
            {
                "start": start,
                "received_at": received,
                "due_at": due,
                "provisional": note is not None,
                "note": note,
            }
        )


__all__ = ["DueDate", "ProcedureDetail", "ProcedureList", "UnitList"]
