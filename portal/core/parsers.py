"""The API's JSON parser: bounded size and nesting, no NUL characters, 400 for anything else.

DRF's own parser hands the body to `json.loads`, which recurses once per level: a body of ten
thousand `[` raised RecursionError, a 500. This one refuses, before decoding, a body larger than
`MOTCUA_JSON_MAX_BYTES` or nested deeper than `MOTCUA_JSON_MAX_DEPTH` (no MotCua payload goes
deeper than 3), and after decoding any NUL character (PostgreSQL refuses it in text).
"""

import json
import re
from collections.abc import Mapping
from typing import IO, Any, NoReturn

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from portal.core.errors import ErrorCode

# A JSON string, escapes included: removed before brackets are counted.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def _max_bytes() -> int:
    return getattr(settings, "MOTCUA_JSON_MAX_BYTES", 1024 * 1024)


def _max_depth() -> int:
    return getattr(settings, "MOTCUA_JSON_MAX_DEPTH", 20)


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without decoding it."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class InvalidInput(ParseError):
    default_code = ErrorCode.INVALID_INPUT


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = _max_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise InvalidInput(
                _("The JSON body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        depth = _max_depth()
        if nesting_depth(raw) > depth:
            raise InvalidInput(
                _("The JSON body is nested deeper than %(depth)s levels.") % {"depth": depth}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise InvalidInput(_("The body is not valid JSON.")) from None
        if _has_nul(data):
            raise InvalidInput(_("The JSON body contains a character that is not allowed (NUL)."))
        return data


def _no_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON.
    raise ValueError(name)
