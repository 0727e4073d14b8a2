import sys

from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health
from portal.middleware.outage import is_database_outage, service_unavailable


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 naming what is down; `?deep` also pings a
    Celery worker (load balancers and compose use the plain probe, monitoring the deep one)."""
    body, healthy = health.report(deep="deep" in request.GET)
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request, template_name="500.html"):
    """handler500: a database outage met outside a view (a middleware saving the session) is a
    503 like the one `DatabaseUnavailableMiddleware` gives; anything else is Django's 500."""
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return service_unavailable(request, exc)
    return defaults.server_error(request, template_name)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: the static file (issue 13)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.ico"))
