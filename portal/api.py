"""API plumbing shared by every app: pagination and the one error format `{"code", "detail"}`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import DomainError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def _detail_text(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_detail_text(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_detail_text(value)}" for key, value in detail.items())
    return str(detail)


def exception_handler(exc, context):
    """Every API error as `{"code": "...", "detail": "..."}` with a 4xx status."""
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": str(exc.message), **exc.extra}
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
            "code": "invalid",
            "detail": _detail_text(exc.detail),
            "errors": exc.detail,
        }
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc.detail, dict | list):
            detail = _detail_text(exc.detail)
        else:
            detail = str(exc.detail)
            code = getattr(exc.detail, "code", code) or code
        response.data = {"code": code, "detail": detail}
    if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        return None
    return response
