from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from applications.api import lookup as api_lookup
from applications.views import public as views_public
from portal import views
from portal.accounts import language

handler500 = "portal.views.server_error"

api_v1 = [
    path("", include("procedures.urls_api")),
    path("", include("applications.api.urls")),
    path("", include("portal.dashboard.urls_api")),
    path("", include("feedback.api.urls")),
]

urlpatterns = [
    # The public look-up first: Django tries the routes in order, and the look-up is the most
    # requested address of the site (each receipt's QR code), so it is found without walking
    # every other route first (issue 10). Neither path is matched by any route below.
    path("tra-cuu/", views_public.lookup, name="lookup"),
    path("api/v1/lookup/<str:code>/", api_lookup.lookup, name="api-lookup"),
    path("", include("portal.urls_pages")),
    path("", include("procedures.urls")),
    path("", include("portal.citizen.urls")),
    path("", include("feedback.urls")),
    path("open311/v2/", include("feedback.api.urls_open311")),
    path("", include("applications.urls.payments")),
    path("desk/", include("applications.urls.desk")),
    path("dashboard/", include("portal.dashboard.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (`?script`): no inline script,
    # so the docs work under the portal's Content-Security-Policy.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", views.favicon, name="favicon"),
    # The language switch also remembers the choice in the signed-in user's account.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("oidc/", include("portal.accounts.oidc")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
