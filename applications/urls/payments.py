"""Fee payment, mounted at the site root: /thanh-toan/... (Vietnamese paths, like /tra-cuu/)."""

from django.urls import path

from applications.views import payments as views

app_name = "payments"

urlpatterns = [
    # Fixed paths first: a dossier code never reads "ket-qua", "ipn" or "sandbox".
    path("thanh-toan/ket-qua/", views.payment_return, name="return"),
    path("thanh-toan/ipn/", views.ipn, name="ipn"),
    path("thanh-toan/sandbox/<str:reference>/", views.sandbox, name="sandbox"),
    path("thanh-toan/<str:code>/", views.pay, name="pay"),
]
