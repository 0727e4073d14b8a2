"""The API's token sign-in with its read written once per process (issue 10).

DRF's `TokenAuthentication` builds `Token.objects.select_related("user").get(key=key)` on every
API request; the ORM spent more CPU writing that SQL than PostgreSQL spent answering it. This is
the same read through `CompiledRead` (portal/core/compiled.py) and the same answers: an unknown
key and an inactive user are refused with DRF's own messages."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from portal.core.compiled import CompiledRead

_TOKEN: CompiledRead[Token] = CompiledRead(
    lambda key: Token.objects.select_related("user").filter(key=key).order_by("pk")[:1]
)


class CompiledTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, the token and its user read in one query."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = _TOKEN.first(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
