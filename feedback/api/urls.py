"""The portal's JSON API for neighbourhood reports, under /api/v1/."""

from django.urls import path

from feedback.api import reports as api

urlpatterns = [
    path("feedback/categories/", api.Categories.as_view(), name="api-feedback-categories"),
    path("feedback/reports/", api.Reports.as_view(), name="api-feedback-reports"),
    path("feedback/reports/<str:code>/", api.ReportDetail.as_view(), name="api-feedback-report"),
    path(
        "feedback/reports/<str:code>/rating/",
        api.ReportRating.as_view(),
        name="api-feedback-rating",
    ),
]
