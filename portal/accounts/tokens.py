"""The API's token sign-in (`Authorization: Token ...`), with its read compiled once (issue 10).

DRF's `TokenAuthentication` builds the same queryset for every request (the token and its user,
one join): the ORM's work cost more CPU than PostgreSQL's answer on the citizen's dossier list.
Here the SQL is written once per process (`portal.core.compiled`), with the user's staff roles as
one more column (`portal.accounts.roles`); the answers are DRF's: an unknown token and an
inactive user are refused with its messages.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from portal.accounts.roles import remember, with_roles
from portal.core.compiled import CompiledRead

_TOKEN: CompiledRead[Token] = CompiledRead(
    lambda key: with_roles(Token.objects.select_related("user").filter(key=key), "user_id")
)


class CompiledTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = _TOKEN.first(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return remember(token.user, token), token
