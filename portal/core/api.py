"""API plumbing shared by every app: pagination and the one error format `{"code", "detail"}`."""

import copy
import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.core import limits
from portal.core.errors import DomainError, ErrorCode

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request: Request, paginator: "Paginator[Any]") -> int | str:
        if request.query_params.get(self.page_query_param) == "":
            raise DomainError(
                _("page must be a whole number from 1."), code=ErrorCode.INVALID_QUERY
            )
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Request) -> int | None:
        # DRF silently falls back to the default for a page size that is not a positive whole
        # number: say so instead (a page beyond the last is DRF's 404 "Invalid page").
        params = request.query_params
        raw = params.get(self.page_size_query_param, "")
        if self.page_size_query_param in params and not (
            raw.isascii() and raw.isdigit() and int(raw) > 0
        ):
            raise DomainError(
                _("page_size must be a whole number from 1 to %(max)s.")
                % {"max": self.max_page_size},
                code=ErrorCode.INVALID_QUERY,
            )
        return super().get_page_size(request)

    def check(self, request: Request) -> None:
        """Refuse bad paging parameters on a request that is answered whole (an export), as the
        paged answer would: a bad page size is a 400, a page that is no number a 404."""
        self.get_page_size(request)
        number = request.query_params.get(self.page_query_param)
        if number == "":
            raise DomainError(
                _("page must be a whole number from 1."), code=ErrorCode.INVALID_QUERY
            )
        whole = number is None or (number.isascii() and number.isdigit() and int(number) > 0)
        if not whole and number not in self.last_page_strings:
            raise exceptions.NotFound(self.invalid_page_message)


class MomentField(serializers.DateTimeField):
    """A date-time people may give (a due moment): between 1990 and 2100 (`portal.core.limits`).

    DRF's own field raised OverflowError (a 500) on `0001-01-01T00:00` read in Asia/Ho_Chi_Minh,
    whose UTC moment falls before year 1."""

    def to_internal_value(self, value: Any) -> Any:
        try:
            moment = super().to_internal_value(value)
        except OverflowError:
            moment = None
        if moment is None or not limits.date_in_range(moment):
            raise serializers.ValidationError(
                _("Give a moment between %(earliest)s and %(latest)s.")
                % {"earliest": limits.EARLIEST, "latest": limits.LATEST},
                code="invalid",
            )
        return moment


def _detail_text(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_detail_text(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_detail_text(value)}" for key, value in detail.items())
    return str(detail)


def error_code(code: str, fallback: ErrorCode = ErrorCode.ERROR) -> ErrorCode:
    """The one check that an API error's code is a member of `ErrorCode`.

    A code outside the enum is a programming error (tests/portal/test_error_codes.py looks for
    them): logged, and answered with the fallback rather than a string clients do not know."""
    try:
        return ErrorCode(code)
    except ValueError:
        logger.error("API error code %r is not in portal.core.errors.ErrorCode", code)
        return fallback


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as `{"code": "...", "detail": "..."}` with a 4xx status."""
    if isinstance(exc, DomainError):
        body = {
            "code": error_code(exc.code, ErrorCode.INVALID),
            "detail": str(exc.message),
            **exc.extra,
        }
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": ErrorCode.INVALID,
            "detail": _detail_text(exc.detail),
            "errors": exc.detail,
        }
    elif isinstance(exc, exceptions.APIException):
        code = getattr(exc, "default_code", ErrorCode.ERROR)
        if isinstance(exc.detail, dict | list):
            detail = _detail_text(exc.detail)
        else:
            detail = str(exc.detail)
            code = getattr(exc.detail, "code", code) or code
        response.data = {"code": error_code(code), "detail": detail}
    if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        return None
    return response


# --- The error answers in the OpenAPI schema ------------------------------------------------


class ErrorOutput(serializers.Serializer[Any]):
    """Every API error: `{"code", "detail"}` with a 4xx status (some add context fields)."""

    code = serializers.CharField(
        help_text="Stable code (the enum lists them all): invalid, invalid_input, not_found, "
        "permission_denied, not_authenticated, authentication_failed, invalid_transition, "
        "conflict, throttled, ..."
    )
    detail = serializers.CharField(help_text="What went wrong, in the user's language.")
    errors = serializers.JSONField(  # type: ignore[assignment]  # the body's field, not .errors
        required=False, help_text="With code `invalid`: the messages by field."
    )


ERROR_DESCRIPTIONS = {
    400: "Bad input (`invalid`, `invalid_input`, or a domain code such as `invalid_date`).",
    401: "The token or session given is not valid (`authentication_failed`), or a login is "
    "needed (`not_authenticated`).",
    403: "Signed in, but this user may not do this (`permission_denied`).",
    404: "No such object for this user (`not_found`): another's object looks the same as a "
    "missing one; also a page number beyond the last.",
    409: "The object's state does not allow this now (`invalid_transition`, `conflict`, ...).",
    415: "The body's media type is not one this operation reads (`unsupported_media_type`).",
    429: "Too many requests (`throttled`); try again later.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """`responses=` entries for `extend_schema`: these statuses with the error body."""
    return {
        status_code: OpenApiResponse(ErrorOutput, description=ERROR_DESCRIPTIONS[status_code])
        for status_code in statuses
    }


def paginated(
    serializer_class: type[serializers.BaseSerializer[Any]], name: str, count_help: str = ""
) -> Any:
    """The paginated list `{"count", "next", "previous", "results"}` of an APIView; with
    `count_help`, a count that may be null (unknown beyond a bound), as that text says."""
    count = (
        serializers.IntegerField(allow_null=True, help_text=count_help)
        if count_help
        else serializers.IntegerField()
    )
    return inline_serializer(
        name,
        {
            "count": count,
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("page_size", int, description=f"At most {Pagination.max_page_size}."),
]

_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {},
    },
    "required": ["code", "detail"],
}


def document_errors(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the errors any API operation may answer.

    Every operation may get 400 (input refused before the view: a NUL byte, JSON too deep) and
    401 (an invalid token); one with a path parameter or a page number 404; one that needs a
    login 403; one that takes a body 415 (a media type it does not read). Statuses particular to
    a view (409, 429, ...) are in its own `extend_schema`."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    error_schema = schemas.setdefault("ErrorOutput", copy.deepcopy(_ERROR_SCHEMA))
    # Every code the API may answer, from the one enum (tests/portal/test_error_codes.py).
    error_schema["properties"]["code"]["enum"] = [member.value for member in ErrorCode]
    reference = {"$ref": "#/components/schemas/ErrorOutput"}
    for path, item in result.get("paths", {}).items():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = [400, 401]
            parameters = operation.get("parameters", [])
            if "{" in path or any(p.get("name") == "page" for p in parameters):
                statuses.append(404)
            if {} not in operation.get("security", [{}]):
                statuses.append(403)
            if "requestBody" in operation:
                statuses.append(415)
            for status_code in statuses:
                operation["responses"].setdefault(
                    str(status_code),
                    {
                        "content": {"application/json": {"schema": reference}},
                        "description": ERROR_DESCRIPTIONS[status_code],
                    },
                )
    return result
