"""The bare view of the benchmarks: the real endpoints' URLs, answering without work.

At startup it reads the file named by ``MOTCUA_BENCH_BODIES`` (written by
`bench.common.write_bare_answers`): for each "METHOD /path?query" the benchmark sends, the exact
status, content type and bytes the real endpoint answered. Each request is then a dictionary
look-up; the bytes go out as they are (a `JsonResponse` would encode them again on every request,
which is work). Django's middleware stack is the portal's (`bench.bare_settings`); the view is
exempt from CSRF like the API's views (it reads no session, no user, no database).
"""

import base64
import json
import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

BODIES_ENV = "MOTCUA_BENCH_BODIES"


def _load() -> dict[str, tuple[int, str, bytes]]:
    filename = os.environ.get(BODIES_ENV)
    if not filename:
        return {}
    data = json.loads(Path(filename).read_text(encoding="utf-8"))
    return {
        key: (answer["status"], answer["content_type"], base64.b64decode(answer["body"]))
        for key, answer in data.items()
    }


ANSWERS = _load()


@csrf_exempt
def answer(request: HttpRequest) -> HttpResponse:
    found = ANSWERS.get(f"{request.method} {request.get_full_path()}")
    if found is None:
        return JsonResponse({"code": "not_found", "detail": "No precomputed answer."}, status=404)
    status, content_type, body = found
    return HttpResponse(body, status=status, content_type=content_type)


urlpatterns = [re_path(r"^", answer)]
