"""`/dashboard/`: the officials' dashboard (DESIGN.md fixed name)."""

from django.urls import path

from applications import views_dashboard

app_name = "dashboard"

urlpatterns = [
    path("", views_dashboard.dashboard, name="index"),
]
