from django.urls import path

from applications.api import ratings as api_ratings
from applications.api import views as api

urlpatterns = [
    path("auth/token/", api.TokenObtain.as_view(), name="api-token"),
    path("dossiers/", api.DossierListCreate.as_view(), name="api-dossiers"),
    path("dossiers/<str:code>/", api.DossierDetail.as_view(), name="api-dossier"),
    path(
        "dossiers/<str:code>/rating/",
        api_ratings.DossierNationalRating.as_view(),
        name="api-dossier-rating",
    ),
    # One operation per action (its own request body in the schema), then any action by name.
    *(
        path(f"dossiers/<str:code>/{name}/", view.as_view(), name=f"api-dossier-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ),
    path(
        "dossiers/<str:code>/<str:action>/", api.DossierAction.as_view(), name="api-dossier-action"
    ),
]
