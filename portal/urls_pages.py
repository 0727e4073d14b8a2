from django.contrib.auth import views as auth_views
from django.urls import path

from portal.accounts import twofactor
from portal.citizen import home

app_name = "portal"

urlpatterns = [
    # The finder (procedures:finder) with the ward's most used procedures, on the same address.
    path("", home.home, name="home"),
    path(
        "accounts/login/",
        twofactor.SignInView.as_view(template_name="portal/login.html"),
        name="login",
    ),
    path("accounts/login/ma-xac-thuc/", twofactor.login_code, name="login-otp"),
    path("accounts/xac-thuc-hai-buoc/", twofactor.setup, name="otp-setup"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
