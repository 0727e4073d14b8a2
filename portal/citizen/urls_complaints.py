"""Complaints from dissatisfied ratings, for the unit leader (included under /desk/, inside the
"desk" namespace: no app_name here)."""

from django.urls import path

from applications import views_citizen as views

urlpatterns = [
    path("phan-anh/", views.complaints, name="complaints"),
    path("phan-anh/<int:pk>/", views.complaint_answer, name="complaint-answer"),
]
