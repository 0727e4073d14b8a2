"""Open311 GeoReport v2 under /open311/v2/ (DESIGN.md fixed names), each in `.json` and `.xml`."""

from django.urls import re_path

from feedback.api import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, open311.services_list, name="open311-services"),
    re_path(
        r"^services/(?P<code>[\w-]+)" + FMT, open311.service_definition, name="open311-service"
    ),
    re_path(r"^requests" + FMT, open311.requests_endpoint, name="open311-requests"),
    re_path(
        r"^requests/(?P<request_id>[\w-]+)" + FMT, open311.request_detail, name="open311-request"
    ),
]
