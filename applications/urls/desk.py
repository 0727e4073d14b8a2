from django.urls import include, path

from applications.views import desk as views
from applications.views import dossier_page, reception, withdraw

app_name = "desk"

urlpatterns = [
    path("", views.work_queue, name="queue"),
    path("thong-bao/", views.notices, name="notices"),
    path("tiep-nhan/", views.reception_start, name="reception-start"),
    path("tiep-nhan/<str:procedure_code>/", reception.reception, name="reception"),
    path("ho-so/<str:code>/", dossier_page.dossier_page, name="dossier"),
    path("ho-so/<str:code>/rut/", withdraw.withdraw, name="withdraw"),
    path("ho-so/<str:code>/<str:action>/", views.dossier_action, name="dossier-action"),
    path("", include("applications.urls.forms")),
    path("", include("applications.urls.tickets")),
    path("", include("portal.citizen.urls_complaints")),
]
