"""`/dashboard/`: the officials' dashboard (DESIGN.md fixed name), its overview, ward, field and
procedure pages and the drill-down lists behind every figure (issue 12)."""

from django.urls import path

from portal.dashboard import pages, views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("overview/", pages.page, name="overview"),
    path("units/<str:code>/", pages.page, {"kind": "unit"}, name="unit"),
    path("fields/<str:code>/", pages.page, {"kind": "field"}, name="field"),
    path("procedures/<str:code>/", pages.page, {"kind": "procedure"}, name="procedure"),
    path("dossiers/", pages.dossiers, name="dossiers"),
]
