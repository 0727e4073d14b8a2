"""Dossier API (DESIGN.md names). Thin: parse input, call a service or selector, serialise."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import access, selectors, services, timeliness, workflow
from applications.api.actions import document_files, run_action
from applications.api.create_input import DossierCreateInput
from applications.api.detail_rows import detail_json
from applications.api.detail_values import dossier_detail
from applications.api.exports import dossier_list_response
from applications.api.list_rows import COUNT_HELP, KEYSET_PARAMETERS, keyset_page
from applications.api.token_views import TokenInput, TokenObtain  # noqa: F401 (URLs)
from applications.models import Dossier, DossierEvent
from applications.selectors import detail
from portal.core.api import PAGE_PARAMETERS, Pagination, error_responses, paginated
from portal.core.errors import DomainError, NotFound
from portal.core.exports import ExportMixin
from portal.core.privacy import mask
from procedures import snapshot
from procedures.selectors import published_procedure, unit_by_code


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = DossierEvent
        fields = ["action", "from_state", "to_state", "actor_label", "at", "note", "extra"]


class DossierOutput(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure_version.name")
    procedure_version = serializers.IntegerField(source="procedure_version.number")
    receiving_unit = serializers.CharField(source="receiving_unit.code")
    handling_unit = serializers.CharField(source="handling_unit.code")
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    timeliness = serializers.SerializerMethodField()
    applicant_id_number = serializers.SerializerMethodField()
    applicant_phone = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "state",
            "timeliness",
            "procedure",
            "procedure_name",
            "procedure_version",
            "receiving_unit",
            "handling_unit",
            "channel",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "assignee",
            "submitted_at",
            "received_at",
            "due_at",
            "appointment_at",
            "sets",
            "apology_due_at",
            "resolved_at",
            "returned_at",
            "fee_vnd",
            "result_number",
            "reason",
            "legacy_code",
            "is_transferred",
            "version",
            "actions",
        ]

    def get_timeliness(self, obj) -> str | None:
        return timeliness.of(obj, self.context["now"])

    def get_applicant_id_number(self, obj) -> str:
        return mask(obj.applicant_id_number)

    def get_applicant_phone(self, obj) -> str:
        return mask(obj.applicant_phone)

    def get_actions(self, obj) -> list[str]:
        return access.available_actions(self.context["request"].user, obj)


class DossierDetailOutput(DossierOutput):
    history = EventOutput(source="events", many=True)
    applicant_email = serializers.EmailField()
    applicant_address = serializers.CharField()

    class Meta(DossierOutput.Meta):
        fields = [*DossierOutput.Meta.fields, "applicant_email", "applicant_address", "history"]

    def get_applicant_id_number(self, obj) -> str:
        return obj.applicant_id_number

    def get_applicant_phone(self, obj) -> str:
        return obj.applicant_phone


def _output(request, dossier, detail=True):
    cls = DossierDetailOutput if detail else DossierOutput
    return cls(dossier, context={"request": request, "now": timezone.now()}).data


OVERDUE_VALUES = ("true", "false", "1", "0")


class DossierListCreate(ExportMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("unit", str),
            OpenApiParameter("legacy_code", str),
            OpenApiParameter("procedure", str),
            # Empty or json: the JSON page; csv or xlsx: the same rows as a file (issue 12).
            OpenApiParameter("format", str, enum=["", "json", "csv", "xlsx"]),
            *PAGE_PARAMETERS,
            *KEYSET_PARAMETERS,
        ],
        responses=paginated(
            DossierOutput,
            "PaginatedDossierOutputList",
            count_help=COUNT_HELP,
        ),
        operation_id="v1_dossiers_list",
    )
    def get(self, request):
        # Absent means no filter; present, it must be a boolean (an empty value is refused).
        if "overdue" in request.query_params and (
            request.query_params["overdue"] not in OVERDUE_VALUES
        ):
            raise DomainError(_("overdue must be true or false."), code="invalid_query")
        if request.query_params.get("count", "exact") != "exact":
            raise DomainError(_("count must be exact, or left out."), code="invalid_query")
        paginator = Pagination()
        if fmt := self.export_format(request):  # ?format=csv|xlsx: every row, as a file
            paginator.check(request)
            dossiers = selectors.dossier_list(user=request.user, filters=request.query_params)
            return dossier_list_response(fmt, dossiers, timezone.now())
        return Response(keyset_page(request, paginator))

    @extend_schema(
        request=DossierCreateInput,
        responses={201: DossierDetailOutput, **error_responses(404)},
    )
    def post(self, request):
        data = DossierCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # The catalogue's snapshot (no query): the procedure, its version and documents, the unit.
        catalogue = snapshot.shared()
        procedure = published_procedure(values["procedure"], catalogue)
        if procedure is None:
            raise NotFound(_("Unknown procedure code."))
        unit = unit_by_code(values["unit"], catalogue)
        if unit is None:
            raise NotFound(_("Unknown unit code."))
        handling = None
        if values.get("handling_unit"):
            handling = unit_by_code(values["handling_unit"], catalogue)
            if handling is None:
                raise NotFound(_("Unknown unit code."))
        files = document_files(request.FILES)
        dossier = services.dossier_create(
            procedure=procedure,
            unit=unit,
            handling_unit=handling,
            applicant=services.Applicant(
                name=values["applicant_name"],
                id_number=values.get("applicant_id_number", ""),
                phone=values.get("applicant_phone", ""),
                email=values.get("applicant_email", ""),
                address=values.get("applicant_address", ""),
            ),
            channel=values["channel"],
            actor=request.user,
            files=files,
            checked_documents=values.get("checked_documents"),
            conditions=values.get("conditions"),
            submission_key=values.get("submission_key", "")
            or request.headers.get("Idempotency-Key", ""),
            due_at=values.get("due_at"),
            note=values.get("note", ""),
            sets=values.get("sets"),
        )
        # The same answer as DossierDetailOutput, from plain values (issue 10).
        return Response(
            dossier_detail(request.user, dossier, timezone.now()), status=status.HTTP_201_CREATED
        )


class DossierDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=DossierDetailOutput)
    def get(self, request, code):
        # DossierDetailOutput's fields from plain values: the dossier and its labels, then its
        # history, read narrow (issue 10; applications/api/detail_rows.py).
        row = detail.dossier_detail(user=request.user, code=code)
        return Response(detail_json(request.user, row, detail.history(row["id"]), timezone.now()))


class DossierAction(APIView):
    """POST /api/v1/dossiers/{code}/{action}/: any action by name. Its body is the union of the
    actions' bodies; each action's own operation (`v1_dossiers_<action>`) says what it takes.
    200 with the dossier; 409 invalid_transition when the state does not allow it; 403 when the
    user may not; 404 when the user may not see it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="v1_dossiers_action",
        request=workflow.AnyActionInput,
        responses={200: DossierDetailOutput, **error_responses(409)},
    )
    def post(self, request, code, action):
        if action not in workflow.ACTIONS:
            raise NotFound(_("Unknown action."))
        return _act(request, code, action)


def _act(request, code, action):
    # 404 first: the body of a request on a dossier the user may not see is never read.
    dossier = selectors.dossier_get(user=request.user, code=code)
    # A field any action knows is held to its rules wherever it is sent (a due moment in year 1
    # is a 400 even where this action ignores it); then the action's own input decides.
    workflow.AnyActionInput(data=request.data).is_valid(raise_exception=True)
    dossier = run_action(
        action=action, dossier=dossier, actor=request.user, data=request.data, files=request.FILES
    )
    return Response(_output(request, dossier))


def _action_view(spec: workflow.Action) -> type[APIView]:
    """`POST /api/v1/dossiers/{code}/<action>/` with the action's own request body."""

    def post(self, request, code):
        return _act(request, code, spec.name)

    post = extend_schema(
        operation_id=f"v1_dossiers_{spec.name}",
        description=f"The `{spec.name}` action. Roles: {', '.join(sorted(spec.roles))}."
        + (f" Calls for form `{spec.form}`." if spec.form else ""),
        request=spec.input,
        responses={200: DossierDetailOutput, **error_responses(409)},
    )(post)
    name = "".join(part.title() for part in spec.name.split("_"))
    return type(
        f"Dossier{name}",
        (APIView,),
        {
            "__doc__": f"POST /api/v1/dossiers/{{code}}/{spec.name}/: 200 with the dossier; 409 "
            "invalid_transition when the state does not allow it; 403 when the user may not; 404 "
            "when the user may not see it.",
            "permission_classes": [permissions.IsAuthenticated],
            "post": post,
        },
    )


# One operation per action, derived from workflow.ACTIONS.
ACTION_VIEWS: dict[str, type[APIView]] = {
    name: _action_view(spec) for name, spec in workflow.ACTIONS.items()
}
