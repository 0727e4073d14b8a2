"""`/dashboard/`: the officials' dashboard (DESIGN.md fixed name), its overview, ward, field and
procedure pages and the drill-down lists behind every figure (issue 12)."""

from django.urls import path

from portal.dashboard import pages, period_report_page, views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("overview/", pages.page, name="overview"),
    # A ward's, a field's and a procedure's page: the code is the `unit`, `field` or
    # `procedure` filter itself (the same access checks as every filter).
    path("unit/", pages.page, {"kind": "unit"}, name="unit"),
    path("field/", pages.page, {"kind": "field"}, name="field"),
    path("procedure/", pages.page, {"kind": "procedure"}, name="procedure"),
    path("dossiers/", pages.dossiers, name="dossiers"),
    # Form II.06a to print, or as a PDF (`?format=pdf`).
    path("period-report/", period_report_page.period_report_page, name="period_report"),
]
