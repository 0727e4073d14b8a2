"""The bare view of `bench/search.py`: the search endpoint's URL, answering without work.

At startup it reads the file named by ``MOTCUA_BENCH_BODIES``: the exact bytes and content type
the real `/api/v1/procedures/?search=...` answered for each benchmark query. Each request is then
a dictionary look-up; the bytes go out as they are (a `JsonResponse` would encode them again on
every request, which is work). Django's middleware stack is the portal's (`bench.bare_settings`).
"""

import base64
import json
import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

BODIES_ENV = "MOTCUA_BENCH_BODIES"


def _load() -> tuple[str, dict[str, bytes]]:
    filename = os.environ.get(BODIES_ENV)
    if not filename:
        return "application/json", {}
    data = json.loads(Path(filename).read_text(encoding="utf-8"))
    bodies = {query: base64.b64decode(body) for query, body in data["bodies"].items()}
    return data["content_type"], bodies


CONTENT_TYPE, BODIES = _load()


def procedures(request: HttpRequest) -> HttpResponse:
    body = BODIES.get(request.GET.get("search", ""))
    if body is None:
        return JsonResponse({"code": "not_found", "detail": "No precomputed answer."}, status=404)
    return HttpResponse(body, content_type=CONTENT_TYPE)


urlpatterns = [path("api/v1/procedures/", procedures)]
