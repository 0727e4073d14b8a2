from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="detail"),
]
