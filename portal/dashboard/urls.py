"""`/dashboard/`: the officials' dashboard (DESIGN.md fixed name)."""

from django.urls import path

from portal.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
]
