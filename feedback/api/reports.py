"""The portal's own JSON API for neighbourhood reports (under /api/v1/feedback/). Small and thin:
parse, call a service or selector, serialise. Errors are `{"code", "detail"}` (portal/core/api.py).

Public outputs never carry the contact details (`selectors.public_view`)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback import selectors, services
from feedback.models import EMERGENCY_CATEGORIES, Category, Channel
from portal.core.api import error_responses
from portal.core.errors import NotFound
from portal.core.parsers import BoundedJSONParser
from portal.core.site import site_url
from procedures.models import Unit


class FeedbackCategoryOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    emergency = serializers.BooleanField()


class Categories(APIView):
    """The categories a report may have (the Open311 services)."""

    @extend_schema(responses=FeedbackCategoryOutput(many=True))
    def get(self, request):
        return Response(
            [
                {"code": c.value, "name": str(c.label), "emergency": c in EMERGENCY_CATEGORIES}
                for c in Category
            ]
        )


class ReportEventOutput(serializers.Serializer):
    action = serializers.CharField()
    state = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class ReportOutput(serializers.Serializer):
    """What anyone may read: no contact details, no staff names, no photos."""

    code = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    description = serializers.CharField()
    unit = serializers.CharField(source="unit_code")
    unit_name = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    address = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    pickup_due_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    handled_same_day = serializers.BooleanField(allow_null=True)
    answer = serializers.CharField()
    rated = serializers.BooleanField()
    history = ReportEventOutput(source="events", many=True)


class ReportCreateOutput(ReportOutput):
    rating_key = serializers.CharField(help_text="Give it back to rate the answer; shown once.")
    follow_url = serializers.CharField()


class ReportCreateInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=services.MAX_DESCRIPTION)
    unit = serializers.CharField(help_text="GSO code of the ward or commune of the place.")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=15, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    is_public = serializers.BooleanField(required=False, default=True)
    submission_key = serializers.CharField(max_length=64, required=False, allow_blank=True)
    rating_key = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="Without an account, a repeated submission_key returns the first report only "
        "with that report's rating key (otherwise 409 duplicate_submission, without data).",
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=services.MAX_PHOTOS
    )


def _output(report, cls=ReportOutput, **extra) -> dict:
    view = selectors.public_view(report, with_events=True)
    data = {**view.__dict__, **extra}
    return cls(data).data


class Reports(APIView):
    """`POST /api/v1/feedback/reports/`: JSON, or multipart with up to 3 `photos` (JPEG/PNG)."""

    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    @extend_schema(
        request=ReportCreateInput, responses={201: ReportCreateOutput, **error_responses(404)}
    )
    def post(self, request):
        data = ReportCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        unit = Unit.objects.filter(code=values["unit"]).first()
        if unit is None:
            raise NotFound(_("Unknown unit code."))
        report = services.report_create(
            category=values["category"],
            description=values["description"],
            unit=unit,
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            address=values.get("address", ""),
            contact=services.Contact(
                name=values.get("contact_name", ""),
                phone=values.get("contact_phone", ""),
                email=values.get("contact_email", ""),
            ),
            actor=request.user,
            channel=Channel.API,
            photos=request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else [],
            is_public=values.get("is_public", True),
            submission_key=values.get("submission_key", "")
            or request.headers.get("Idempotency-Key", ""),
            rating_key=values.get("rating_key", ""),
        )
        body = _output(
            report,
            ReportCreateOutput,
            rating_key=report.rating_key,
            follow_url=site_url() + reverse("feedback:follow", args=[report.code]),
        )
        return Response(body, status=status.HTTP_201_CREATED)


RATING_KEY_HEADER = "X-Rating-Key"


class ReportDetail(APIView):
    """`GET /api/v1/feedback/reports/{code}/`: the public view, with its history. A report kept
    off the public map answers its reporter (signed in, or sending its rating key in the
    `X-Rating-Key` header: never in the URL) and the ward's staff; anyone else gets 404."""

    @extend_schema(
        parameters=[OpenApiParameter(RATING_KEY_HEADER, str, OpenApiParameter.HEADER)],
        responses=ReportOutput,
    )
    def get(self, request, code):
        report = selectors.report_by_code(
            code=code, user=request.user, key=request.headers.get(RATING_KEY_HEADER, "")
        )
        return Response(_output(report))


class ReportRatingInput(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    key = serializers.CharField(max_length=16, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReportRating(APIView):
    """`POST /api/v1/feedback/reports/{code}/rating/` `{"score", "key"}`: once, when closed."""

    @extend_schema(
        request=ReportRatingInput, responses={200: ReportOutput, **error_responses(403, 409)}
    )
    def post(self, request, code):
        data = ReportRatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_rate(
            report=selectors.report_by_code(
                code=code, user=request.user, key=data.validated_data.get("key", "")
            ),
            score=data.validated_data["score"],
            key=data.validated_data.get("key", ""),
            actor=request.user,
            comment=data.validated_data.get("comment", ""),
        )
        return Response(_output(report))
