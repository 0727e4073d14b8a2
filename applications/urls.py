from django.urls import path

from applications import views

app_name = "desk"

urlpatterns = [
    path("", views.work_queue, name="queue"),
]
