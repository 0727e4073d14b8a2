"""Tables as files (DESIGN.md: `?format=csv` or `?format=xlsx`): the same rows as the page or
the JSON, Vietnamese headers, dates dd/mm/yyyy (moments dd/mm/yyyy HH:MM, Vietnam's time).

CSV is streamed row by row (`StreamingHttpResponse`), with a byte-order mark so that
spreadsheet programs read UTF-8. XLSX is written by openpyxl's write-only workbook (rows go to
disk as they come, memory stays flat) into a temporary file that is then streamed.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import gettext as _
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from portal.core.errors import DomainError, ErrorCode
from portal.core.time import VN_TZ

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Column = tuple[str, Callable[[Any], object]]  # (header, value of a row)


class InvalidFormat(DomainError):
    code = ErrorCode.INVALID_FORMAT


def parse_format(value: str | None) -> str | None:
    """None for the page (or JSON); "csv" or "xlsx"; a clear 400 otherwise."""
    value = (value or "").strip().lower()
    if value in ("", "html", "json", "api"):
        return None
    if value not in FORMATS:
        raise InvalidFormat(_("format must be csv or xlsx."))
    return value


def cell(value: object) -> str | int | float:
    """A value as a cell: dates dd/mm/yyyy, moments in Vietnam's time, numbers as numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([header for header, _value in columns])
    for row in rows:
        yield writer.writerow([cell(value(row)) for _header, value in columns])


def response(
    fmt: str, *, columns: list[Column], rows: Iterable[Any], filename: str
) -> HttpResponseBase:
    """The rows as a CSV or XLSX download named `filename` (without extension)."""
    if fmt == "csv":
        found = StreamingHttpResponse(_csv_lines(columns, rows), content_type="text/csv")
        found["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return found
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs published

    book = Workbook(write_only=True)
    sheet = book.create_sheet(filename[:31])
    sheet.append([header for header, _value in columns])
    for row in rows:
        sheet.append([cell(value(row)) for _header, value in columns])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)


# --- The API's `?format=csv|xlsx` ---------------------------------------------------------------
# DRF reads `format` to choose a renderer: these two let it choose CSV or XLSX; the view then
# answers with `response(...)` itself, and an error is still written as JSON (`ExportMixin`).


class _ExportRenderer(BaseRenderer):
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> bytes:
        return JSONRenderer().render(data)


class CSVRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_ExportRenderer):
    media_type = XLSX
    format = "xlsx"


# api_settings resolves the dotted names to classes (the stubs type the setting as strings).
EXPORT_RENDERERS: list[type[BaseRenderer]] = [
    *api_settings.DEFAULT_RENDERER_CLASSES,  # type: ignore[list-item]
    CSVRenderer,
    XLSXRenderer,
]


class ExportMixin(APIView):
    """For an APIView that also answers `?format=csv|xlsx`: `export_format(request)` says which
    (None for JSON); errors stay JSON whatever was asked."""

    renderer_classes = EXPORT_RENDERERS

    def export_format(self, request: HttpRequest) -> str | None:
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is not None and renderer.format in FORMATS:
            return str(renderer.format)
        return None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if isinstance(response, Response) and self.export_format(request):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
