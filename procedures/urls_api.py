from django.urls import path

from procedures import api

urlpatterns = [
    path("units/", api.UnitList.as_view(), name="api-units"),
    path("procedures/", api.ProcedureList.as_view(), name="api-procedures"),
    path("procedures/<str:code>/", api.ProcedureDetail.as_view(), name="api-procedure"),
    path("calendar/due-date/", api.DueDate.as_view(), name="api-due-date"),
]
