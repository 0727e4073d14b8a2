"""Statistics API (DESIGN.md: `GET /api/v1/stats/`). Thin: parse, call the selector, serialise."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models.satisfaction import Band
from portal.core import exports
from portal.core.api import error_responses
from portal.core.errors import ErrorCode
from portal.core.exports import ExportMixin
from portal.dashboard import period_report, stats
from portal.dashboard import satisfaction_national as national
from portal.dashboard.filters import Filters
from portal.dashboard.index766 import index_766
from portal.dashboard.listing import stats_columns
from procedures.stats import InvalidStatsQuery, parse_query

# The dossiers' column a group of `group_by` is keyed by (as `tables.group_rows`).
GROUP_COLUMNS = {
    "unit": "handling_unit__code",
    "field": "procedure__field__code",
    "procedure": "procedure__code",
}
_RATE: dict[str, Any] = {
    "max_digits": 4,
    "decimal_places": 1,
    "coerce_to_string": False,
    "allow_null": True,
}
_AVERAGE: dict[str, Any] = {
    "max_digits": 3,
    "decimal_places": 2,
    "coerce_to_string": False,
    "allow_null": True,
}


class StatsCriteriaOutput(serializers.Serializer):
    time = serializers.DecimalField(**_AVERAGE, help_text="Processing time, average 1-5.")
    attitude = serializers.DecimalField(**_AVERAGE, help_text="Staff attitude, average 1-5.")
    guidance = serializers.DecimalField(**_AVERAGE, help_text="Guidance, average 1-5.")
    transparency = serializers.DecimalField(**_AVERAGE, help_text="Transparency, average 1-5.")


class StatsSatisfactionOutput(serializers.Serializer):
    rated = serializers.IntegerField(
        help_text="Dossiers of the period that their applicant rated (once, after the result)."
    )
    average = serializers.DecimalField(
        **_AVERAGE, help_text="Average overall score, 1-5; null when nothing is rated."
    )
    satisfied_rate = serializers.DecimalField(
        **_RATE,
        help_text="Rated 4 or 5 overall, of those rated, in per cent; null when nothing is rated.",
    )
    by_criterion = StatsCriteriaOutput(
        help_text="Each criterion's average, 1-5; null when nothing is rated."
    )
    complaints = serializers.IntegerField(
        help_text="Dossiers of the period with a complaint (an overall rating of 1 or 2 opens "
        "one for the unit leader)."
    )


class StatsNationalBandsOutput(serializers.Serializer):
    excellent = serializers.DecimalField(**_RATE, help_text="16-18 points, per cent of rated.")
    good = serializers.DecimalField(**_RATE, help_text="12-15 points, per cent of rated.")
    fair = serializers.DecimalField(**_RATE, help_text="9-11 points, per cent of rated.")
    average = serializers.DecimalField(**_RATE, help_text="6-8 points, per cent of rated.")
    poor = serializers.DecimalField(**_RATE, help_text="0-5 points, per cent of rated.")


class StatsNationalOutput(serializers.Serializer):
    rated = serializers.IntegerField(
        help_text="Dossiers finished in the period (whenever received) that their applicant "
        "rated on the national scheme (nine criteria, 0, 1 or 2 each)."
    )
    average = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Average total, of 18; null when nobody rated (never 0).",
    )
    band = serializers.ChoiceField(
        choices=Band.choices,
        allow_null=True,
        help_text="The band of the average rounded half up: 16-18 excellent, 12-15 good, 9-11 "
        "fair, 6-8 average, 0-5 poor; null when nobody rated.",
    )
    maximum = serializers.IntegerField(help_text="The scheme's maximum: 18.")
    bands = StatsNationalBandsOutput(
        help_text="Share of the rated dossiers in each band, per cent; null when nobody rated."
    )


class StatsFeedbackOutput(serializers.Serializer):
    received = serializers.IntegerField(
        help_text="Neighbourhood reports created in the period, counted against the ward they "
        "were routed to."
    )
    emergencies = serializers.IntegerField(help_text="Of those, emergencies (fire and rescue).")
    resolved = serializers.IntegerField(help_text="Resolved (state `resolved`).")
    rejected = serializers.IntegerField(help_text="Rejected with a reason (state `rejected`).")
    open = serializers.IntegerField(help_text="Still `new`, `assigned` or `in_progress`.")
    picked_up_on_time_rate = serializers.DecimalField(
        **_RATE,
        help_text="Picked up (first assigned, or closed unassigned) by the pick-up target (2 "
        "working hours; 15 minutes for an emergency), of those picked up or still new past it; "
        "per cent; null when none is judged yet.",
    )
    resolved_same_day_rate = serializers.DecimalField(
        **_RATE,
        help_text="Resolved no later than the working day reported on (Asia/Ho_Chi_Minh dates; "
        "a report made on a day off belongs to the next working day), of those resolved; per "
        "cent; null when none is resolved.",
    )
    escalated = serializers.IntegerField(
        help_text="Not picked up in time: the ward leader was told by the sweep."
    )
    rated = serializers.IntegerField(help_text="Reports whose reporter rated the answer.")
    satisfaction = serializers.DecimalField(
        **_AVERAGE, help_text="Average rating of the answers, 1-5; null when none is rated."
    )


class StatsOutput(serializers.Serializer):
    received = serializers.IntegerField(help_text="Dossiers received in the period.")
    online = serializers.IntegerField(help_text="Of those, submitted online.")
    online_rate = serializers.DecimalField(
        **_RATE, help_text="online ÷ received, in per cent; null when nothing was received."
    )
    resolved = serializers.IntegerField(help_text="Finished: resolved, rejected or returned.")
    resolved_early = serializers.IntegerField(help_text="Finished before the due day.")
    resolved_on_time = serializers.IntegerField(
        help_text="Finished on the due day, not after the due moment."
    )
    resolved_late = serializers.IntegerField(help_text="Finished after the due moment.")
    on_time_rate = serializers.DecimalField(
        **_RATE,
        help_text="(early + on time) ÷ resolved, in per cent; null when nothing is finished.",
    )
    in_progress = serializers.IntegerField(
        help_text="Received and not finished (clock running, or stopped for a supplement or a "
        "payment). Withdrawn and stopped dossiers count only in `received`."
    )
    on_track = serializers.IntegerField(help_text="In progress, within time.")
    overdue = serializers.IntegerField(help_text="In progress, past the due moment.")
    satisfaction = StatsSatisfactionOutput(help_text="The applicants' ratings of these dossiers.")
    progress_score = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Decision 766/QĐ-TTg “progress” sub-score out of 20: 20 * (finished early or "
        "on time + in progress within time) ÷ received; null when nothing was received.",
    )
    satisfaction_score = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Decision 766/QĐ-TTg “satisfaction with dossiers” sub-score out of 6: ratio = "
        "1 - ((finished late + in progress overdue) ÷ received + dossiers complained about ÷ "
        "received); 6 at or above 90 %, else 6 * ratio ÷ 90 %; null when nothing was received.",
    )
    satisfaction_national = StatsNationalOutput(
        required=False,
        help_text="The national satisfaction scheme (LEGAL.md): the dossiers finished in the "
        "period that their applicant rated, the average of 18 and the share in each band, as "
        "the dashboard's figures `national_*` (their lists have exactly these rows).",
    )
    feedback = StatsFeedbackOutput(
        allow_null=True,
        help_text="The same for neighbourhood reports created in the period. Null when a "
        "`field` or `procedure` is asked for (reports have neither), and in rows grouped by "
        "field or procedure.",
    )


class StatsWithIndexOutput(StatsOutput):
    index_766 = serializers.JSONField(
        required=False,
        help_text="Unless `index_766=false`: Decision 766/QĐ-TTg's index, all six groups: "
        '`{"total", "max": 100, "groups": [{"key", "points", "max", "items": [{"key", '
        '"points", "max", "value", "formula"}]}]}`; open dossiers judged at the period\'s end, '
        "carried-over dossiers counted; an item MotCua holds no data for has `value` and "
        "`points` null and says so in `formula`.",
    )


class StatsRowOutput(StatsOutput):
    code = serializers.CharField(help_text="The unit's, field's or procedure's code.")
    name = serializers.CharField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The group first, then the figures in DESIGN.md's order.
        return {"code": data.pop("code"), "name": data.pop("name"), **data}


class StatsView(ExportMixin, APIView):
    """Figures for the dossiers **received** in the period (received date in Asia/Ho_Chi_Minh,
    `from` and `to` included; default the current month up to today), counted against the
    handling unit and judged on their current state now. Provincial officials and superusers
    read the whole province; a unit leader reads the units they lead (another unit: 404);
    anyone else: 403. Bad input: 400 `invalid_date`, `invalid_period`, `period_too_long`,
    `unknown_unit`, `unknown_field`, `unknown_procedure`, `invalid_group_by`. With `group_by`
    the answer is a list of rows, each with `code`, `name` and the same figures.

    `satisfaction` sums up the applicants' ratings of these dossiers (count, overall average,
    share satisfied, each criterion's average, dossiers complained about); `satisfaction_score`
    is the Decision 766 sub-score out of 6. `satisfaction_national` is the national scheme
    (nine criteria, of 18, five bands) over the dossiers finished in the period: unknown (null)
    when nobody rated. `feedback` gives the same period's neighbourhood
    reports (created in the period, counted against the ward that handles them): received,
    emergencies, resolved, rejected, open, picked-up-on-time and resolved-same-day rates,
    escalated, ratings. Rows grouped by unit carry each unit's feedback; rows grouped by field
    or procedure have `feedback` null. The answer without `group_by` carries `index_766`
    (DESIGN.md) unless `index_766=false`."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD, included"),
            OpenApiParameter("to", str, description="YYYY-MM-DD, included; at most 366 days"),
            OpenApiParameter("unit", str, description="Handling unit code, e.g. 19774"),
            OpenApiParameter("field", str, description="Field code"),
            OpenApiParameter("procedure", str, description="Procedure code, e.g. 1.001193"),
            OpenApiParameter(
                "group_by", str, enum=["", *stats.GROUPS], description="empty: no grouping"
            ),
            OpenApiParameter(
                "index_766", bool, description="false: leave out the Decision 766 index"
            ),
            OpenApiParameter("format", str, enum=["", "json", "csv", "xlsx"]),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="StatsResponse",
                serializers=[StatsWithIndexOutput, StatsRowOutput(many=True)],
                resource_type_field_name=None,
                many=False,
            ),
            **error_responses(404),
        },
    )
    def get(self, request):
        stats.scope_units(request.user)  # 403 before any input is looked at
        query = parse_query(request.query_params)
        group_by = stats.parse_group_by(request.query_params.get("group_by"))
        frame = stats.frame_for(user=request.user, filters=Filters(query=query))
        if group_by:
            rows = stats.dossier_stats_by(user=request.user, query=query, group_by=group_by)
            by_code = national.summary_by(frame, GROUP_COLUMNS[group_by])
            for row in rows:
                row["satisfaction_national"] = by_code.get(row["code"]) or national.empty()
            data = StatsRowOutput(rows, many=True).data
        else:
            found = stats.dossier_stats(user=request.user, query=query)
            found["satisfaction_national"] = national.summary_of(frame)
            # Absent: in the answer; present, it must be a boolean (an empty value is refused).
            wanted = request.query_params.get("index_766", "true")
            if wanted not in ("true", "false", "1", "0"):
                raise InvalidStatsQuery(
                    _("index_766 must be true or false."), code=ErrorCode.INVALID_QUERY
                )
            if wanted not in ("false", "0"):  # in the answer by default (DESIGN.md)
                found["index_766"] = index_766(frame)
            data = StatsWithIndexOutput(found).data
        if fmt := self.export_format(request):  # the same rows as a CSV or XLSX file
            found = data if group_by else [data]
            columns = stats_columns(grouped=bool(group_by))
            return exports.response(fmt, columns=columns, rows=found, filename="thong-ke")
        return Response(data)


class PeriodReportTotals(serializers.Serializer):
    received = serializers.IntegerField(help_text="Received in the period.")
    received_online = serializers.IntegerField()
    received_desk = serializers.IntegerField()
    received_post = serializers.IntegerField()
    carried_over = serializers.IntegerField(help_text="Received before, open when it began.")
    finished_early = serializers.IntegerField()
    finished_on_time = serializers.IntegerField()
    finished_late = serializers.IntegerField()
    in_progress_on_time = serializers.IntegerField(help_text="Open at its end, within time.")
    in_progress_late = serializers.IntegerField(help_text="Open at its end, overdue.")


class PeriodReportRow(PeriodReportTotals):
    field = serializers.CharField()
    name = serializers.CharField()


# `from` is a Python keyword: the fields are declared by name.
PeriodReportOutput = type(
    "PeriodReportOutput",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(help_text="The period's first day."),
        "to": serializers.DateField(help_text="Its last day, included."),
        "rows": PeriodReportRow(many=True),
        "total": PeriodReportTotals(),
    },
)


class PeriodReportView(ExportMixin, APIView):
    """Form II.06a for a unit (or the reader's whole scope) and a period: per field and in
    total, received (online, desk, post, carried over), finished early / on time / late, and
    open within time / late at the period's end. JSON, or `format=csv|xlsx`. The same access
    and input as `GET /api/v1/stats/`."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD, included"),
            OpenApiParameter("to", str, description="YYYY-MM-DD, included"),
            OpenApiParameter("unit", str, description="Handling unit code"),
            OpenApiParameter("format", str, enum=["", "json", "csv", "xlsx"]),
        ],
        responses={200: PeriodReportOutput, **error_responses(404)},
        operation_id="v1_stats_period_report",
    )
    def get(self, request):
        stats.scope_units(request.user)  # 403 before any input is looked at
        query = parse_query({"unit": request.query_params.get("unit"), **{
            key: request.query_params.get(key) for key in ("from", "to")}})  # fmt: skip
        frame = stats.frame_for(user=request.user, filters=Filters(query=query))
        report = period_report.period_report(frame, query)
        if fmt := self.export_format(request):
            return exports.response(
                fmt,
                columns=period_report.columns(),
                rows=period_report.table_rows(report),
                filename="bao-cao-ii06a",
            )
        return Response(PeriodReportOutput(report).data)
