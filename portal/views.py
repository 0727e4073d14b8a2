from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 naming what is down; `?deep` also pings a
    Celery worker (load balancers and compose use the plain probe, monitoring the deep one)."""
    body, healthy = health.report(deep="deep" in request.GET)
    return JsonResponse(body, status=200 if healthy else 503)
