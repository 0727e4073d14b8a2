"""Complaints from dissatisfied ratings, for the unit leader (included under /desk/, inside the
"desk" namespace: no app_name here)."""

from django.urls import path

from portal.citizen import complaints

urlpatterns = [
    path("phan-anh/", complaints.complaints, name="complaints"),
    path("phan-anh/<int:pk>/", complaints.complaint_answer, name="complaint-answer"),
]
