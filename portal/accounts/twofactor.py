"""Sign-in with an optional second factor (issue 8): TOTP apps and one-time recovery codes.

A user with a confirmed authenticator is not signed in by the password alone: the password
step remembers who passed it (for MOTCUA_OTP_PENDING_SECONDS) and the code step signs them in.
Until then the session holds no signed-in user, so neither pages nor the API (session auth)
see one. Wrong codes are slowed down by django-otp's own throttling (each failure doubles the
wait); wrong passwords by the lockout (portal/accounts/lockout.py).
"""

import base64
import io
import time
from base64 import b32encode
from typing import Any

import qrcode
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.pil import PilImage

PENDING = "motcua_otp_pending"
WRONG_CODE = gettext_lazy(
    "This code is not right, or it was used already. Wait for a new code and try again."
)
RECOVERY_CODES = 10


def may_use_second_factor(user: Any) -> bool:
    """Staff (desk roles, admin site access) may add a second factor; residents sign in with
    the password or the national e-ID."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or user.staff_roles.exists())
    )


class SignInView(LoginView):
    """Django's LoginView; a user with an authenticator goes on to the code step."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not user_has_device(user, confirmed=True):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "since": time.time(),
            "next": self.get_success_url(),
        }
        return HttpResponseRedirect(reverse("portal:login-otp"))


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        strip=True,
        error_messages={"required": gettext_lazy("Enter the code.")},
    )


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any] | None]:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None, None
    if time.time() - float(pending.get("since", 0)) > settings.MOTCUA_OTP_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    users = get_user_model()._default_manager
    user = users.filter(pk=pending.get("user"), is_active=True).first()  # type: ignore[misc]
    return user, pending


@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The code step: after the password, or for a signed-in session not yet verified (an
    administrator whose session began before they had a second factor)."""
    user, pending = _pending_user(request)
    requester: Any = request.user  # django-otp's middleware adds is_verified()
    if user is None and requester.is_authenticated and requester.is_verified():
        target = request.GET.get("next") or "/"
        return HttpResponseRedirect(target if _safe(request, target) else "/")
    if user is None and requester.is_authenticated and not requester.is_verified():
        user = requester
        pending = {"next": request.GET.get("next") or "/"}
    if user is None:
        messages.info(request, _("Sign in again: the code was not entered in time."))
        return redirect("portal:login")
    assert pending is not None  # a user comes with their pending sign-in, or the session's
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"].replace(" ", "")
        device = match_token(user, token)
        if device is not None:
            if not request.user.is_authenticated:
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            request.session.pop(PENDING, None)
            target = pending.get("next") or "/"
            return HttpResponseRedirect(target if _safe(request, target) else "/")
        form.add_error("otp_token", WRONG_CODE)
    return render(request, "portal/login_otp.html", {"form": form}, status=200)


def _safe(request: HttpRequest, url: str) -> bool:
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _qr_data_uri(text: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), confirm with one code,
    and keep the recovery codes shown once."""
    user = request.user
    if not may_use_second_factor(user):
        raise Http404
    if user_has_device(user, confirmed=True):
        return render(request, "portal/otp_setup.html", {"enabled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="MotCua", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].replace(" ", "")):
            codes = _confirm(device)
            otp_login(request, device)
            return render(request, "portal/otp_setup.html", {"enabled": True, "codes": codes})
        form.add_error("otp_token", _("This code is not right. Check the time on your phone."))
    secret = b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "portal/otp_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": _grouped(secret),
        },
    )


@transaction.atomic
def _confirm(device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery, _created = StaticDevice.objects.get_or_create(
        user=device.user, name="recovery", defaults={"confirmed": True}
    )
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes
