"""Open311 GeoReport v2's two formats: `.json` and `.xml` carry the same answers.

XML follows the specification's examples: a root element per answer (`services`,
`service_requests`, `service_definition`, `discovery`, `errors`), one child per item (`service`,
`request`, `error`), one element per field; a list inside an item (the discovery's `endpoints`
and `formats`, a definition's `attributes`) nests the same way. None is an empty element and a
boolean is `true` or `false`.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
XML_CONTENT_TYPE = "text/xml; charset=utf-8"

# The element name of one item of a list, by the list's element name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, name), child)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def answer(data: Any, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == XML:
        return HttpResponse(to_xml(root, data), status=status, content_type=XML_CONTENT_TYPE)
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
