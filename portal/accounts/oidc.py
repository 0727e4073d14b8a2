"""Sign-in with the national e-ID (VNeID) through OpenID Connect: off unless configured.

Configured by the environment (README): with `OIDC_RP_CLIENT_ID` unset the routes answer 404 and
nothing talks to a provider. A person is recognised by the provider's stable `sub`; the first
sign-in links to the one account with the same verified phone number, or creates an account.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from portal.accounts.models import ExternalIdentity
from portal.accounts.roles import signed_in_user

PROVIDER = "vneid"
logger = logging.getLogger("motcua.oidc")


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class NationalIdBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """The provider's backend's answer (the user, or None), read with their staff roles in
        one query (issue 10)."""
        return signed_in_user(user_id)

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "an e-ID subject"  # never a name, phone or ID number in logs

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        linked = self.UserModel.objects.filter(
            external_identities__provider=PROVIDER, external_identities__subject=claims["sub"]
        )
        if linked.exists():
            return linked
        phone = (claims.get("phone_number") or "").replace("+84", "0").replace(" ", "")
        if phone and claims.get("phone_number_verified"):
            same_phone = self.UserModel.objects.filter(phone=phone)
            if same_phone.count() == 1:
                ExternalIdentity.objects.get_or_create(
                    provider=PROVIDER, subject=claims["sub"], defaults={"user": same_phone.get()}
                )
                return same_phone
        return self.UserModel.objects.none()

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> Any:
        digest = hashlib.sha256(f"{PROVIDER}:{claims['sub']}".encode()).hexdigest()[:12]
        user = self.UserModel.objects.create_user(
            f"{PROVIDER}-{digest}",
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        if claims.get("phone_number_verified") and claims.get("phone_number"):
            user.phone = claims["phone_number"].replace("+84", "0").replace(" ", "")[:15]
            user.save(update_fields=["phone"])
        ExternalIdentity.objects.create(user=user, provider=PROVIDER, subject=claims["sub"])
        logger.info("e-ID account created (user %s)", user.pk)
        return user


def _only_when_enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path(
        "authenticate/",
        _only_when_enabled(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        _only_when_enabled(oidc_views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
