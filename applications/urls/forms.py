"""Printable forms of the one-stop desk (included under /desk/, namespace "desk")."""

from django.urls import path

from applications.views import forms as views_forms

urlpatterns = [
    path("dossiers/<str:code>/forms/", views_forms.dossier_forms, name="forms"),
    path("dossiers/<str:code>/forms/<str:form>.pdf", views_forms.form_pdf, name="form-pdf"),
    path("units/<str:unit_code>/tracking-log.pdf", views_forms.tracking_log, name="tracking-log"),
]
