"""`/api/v1/stats/` (DESIGN.md fixed name)."""

from django.urls import path

from applications import api_stats

urlpatterns = [
    path("stats/", api_stats.StatsView.as_view(), name="api-stats"),
]
