"""`/api/v1/stats/` (DESIGN.md fixed name)."""

from django.urls import path

from portal.dashboard import api

urlpatterns = [
    path("stats/", api.StatsView.as_view(), name="api-stats"),
    path("stats/period-report/", api.PeriodReportView.as_view(), name="api-stats-period-report"),
]
