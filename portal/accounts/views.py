"""Sign-up and the profile page: ordinary POST forms that work with JavaScript off; the checks
on phone numbers and e-mail addresses are those of `portal.accounts.identity`."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts import identity
from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.core.errors import DomainError

BACKEND = "portal.accounts.auth.PhoneOrEmailBackend"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _messages_of(exc: DomainError | ValidationError) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc.message)]


# --- Accounts ----------------------------------------------------------------------------------


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ContactFields(_Form):
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("10 digits, for example 0905 123 456. You can sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        required=False,
        help_text=gettext_lazy("Needed to reset a forgotten password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    user: User | None = None

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        phone = identity.check_mobile(value)
        if identity.phone_taken(phone, exclude=self.user):
            raise ValidationError(_("An account with this mobile number already exists."))
        return phone

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if email and identity.email_taken(email, exclude=self.user):
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise ValidationError(_("Give a mobile number or an e-mail address, or both."))
        return data


class RegisterForm(ContactFields):
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("citizen:dossiers")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_services.account_register(
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                password=data["password1"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            backend = BACKEND if BACKEND in settings.AUTHENTICATION_BACKENDS else None
            login(request, user, backend=backend or settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Your account is ready. You are signed in."))
            return redirect(_safe_next(request, reverse("citizen:dossiers")))
    status = 400 if request.method == "POST" else 200
    next_url = _safe_next(request, "")
    return render(request, "citizen/register.html", {"form": form, "next": next_url}, status=status)


class ProfileForm(ContactFields):
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language for pages, SMS and e-mail"),
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # @login_required: an account, never anonymous
    initial = {
        "full_name": identity.full_name_of(user),
        "phone": user.phone,
        "email": user.email,
        "preferred_language": user.preferred_language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    form.user = user
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_services.profile_update(
                user=user,
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                language=data["preferred_language"],
            )
        except (DomainError, ValidationError) as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Your details are saved."))
            response = redirect("citizen:profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, data["preferred_language"], samesite="Lax"
            )
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "citizen/profile.html", {"form": form}, status=status)
