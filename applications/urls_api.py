from django.urls import path

from applications import api

urlpatterns = [
    path("auth/token/", api.TokenObtain.as_view(), name="api-token"),
    path("dossiers/", api.DossierListCreate.as_view(), name="api-dossiers"),
    path("dossiers/<str:code>/", api.DossierDetail.as_view(), name="api-dossier"),
    path(
        "dossiers/<str:code>/<str:action>/", api.DossierAction.as_view(), name="api-dossier-action"
    ),
    path("lookup/<str:code>/", api.Lookup.as_view(), name="api-lookup"),
]
