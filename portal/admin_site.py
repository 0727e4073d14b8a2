"""The admin site, with the sign-in of the portal (lockout, second factor).

With OTP_REQUIRED_FOR_ADMIN (production) only a session that passed a second factor may use
the admin site: an administrator without an authenticator is sent to add one, one whose session
is not verified yet to the code step.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device


def otp_required() -> bool:
    return bool(getattr(settings, "OTP_REQUIRED_FOR_ADMIN", False))


class MotCuaAdminSite(admin.AdminSite):
    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not otp_required() or request.user.is_verified()

    def login(self, request, extra_context=None):
        user = request.user
        if otp_required() and user.is_active and user.is_staff and not user.is_verified():
            if not user_has_device(user, confirmed=True):
                messages.warning(
                    request,
                    _("Administrators must turn on two-step sign-in before using the admin site."),
                )
                return redirect("portal:otp-setup")
            target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
            return redirect(f"{reverse('portal:login-otp')}?{urlencode({'next': target})}")
        from django.contrib.admin.forms import AdminAuthenticationForm

        from portal.accounts.twofactor import SignInView

        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if request.method == "GET" and self.has_permission(request):
            return redirect("admin:index")
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return SignInView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)


class MotCuaAdminConfig(AdminConfig):
    default_site = "portal.admin_site.MotCuaAdminSite"
