from django.urls import include, path

from applications import views

app_name = "desk"

urlpatterns = [
    path("", views.work_queue, name="queue"),
    path("", include("applications.urls_forms")),
    path("", include("applications.urls_tickets")),
]
