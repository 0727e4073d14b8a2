"""Statistics API (DESIGN.md: `GET /api/v1/stats/`). Thin: parse, call the selector, serialise."""

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import stats

_RATE = {"max_digits": 4, "decimal_places": 1, "coerce_to_string": False, "allow_null": True}


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
    satisfaction = serializers.DecimalField(
        **_RATE,
        help_text="Always null for now: citizens cannot rate dossiers yet, and no figure is "
        "invented until ratings exist.",
    )
    progress_score = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Decision 766/QĐ-TTg “progress” sub-score out of 20: 20 * (finished early or "
        "on time + in progress within time) ÷ received; null when nothing was received.",
    )


class StatsRowOutput(StatsOutput):
    code = serializers.CharField(help_text="The unit's, field's or procedure's code.")
    name = serializers.CharField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The group first, then the figures in DESIGN.md's order.
        return {"code": data.pop("code"), "name": data.pop("name"), **data}


class StatsView(APIView):
    """Figures for the dossiers **received** in the period (received date in Asia/Ho_Chi_Minh,
    `from` and `to` included; default the current month up to today), counted against the
    handling unit and judged on their current state now. Provincial officials and superusers
    read the whole province; a unit leader reads the units they lead (another unit: 404);
    anyone else: 403. Bad input: 400 `invalid_date`, `invalid_period`, `period_too_long`,
    `unknown_unit`, `unknown_field`, `unknown_procedure`, `invalid_group_by`. With `group_by`
    the answer is a list of rows, each with `code`, `name` and the same figures."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD, included"),
            OpenApiParameter("to", str, description="YYYY-MM-DD, included; at most 366 days"),
            OpenApiParameter("unit", str, description="Handling unit code, e.g. 19774"),
            OpenApiParameter("field", str, description="Field code"),
            OpenApiParameter("procedure", str, description="Procedure code, e.g. 1.001193"),
            OpenApiParameter("group_by", str, enum=list(stats.GROUPS)),
        ],
        responses=PolymorphicProxySerializer(
            component_name="StatsResponse",
            serializers=[StatsOutput, StatsRowOutput(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
    )
    def get(self, request):
        stats.scope_units(request.user)  # 403 before any input is looked at
        query = stats.parse_query(request.query_params)
        group_by = stats.parse_group_by(request.query_params.get("group_by"))
        if group_by:
            rows = stats.dossier_stats_by(user=request.user, query=query, group_by=group_by)
            return Response(StatsRowOutput(rows, many=True).data)
        return Response(StatsOutput(stats.dossier_stats(user=request.user, query=query)).data)
