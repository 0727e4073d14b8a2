"""The API's token sign-in (`POST /api/v1/auth/token/`): password, lockout and two-step code."""

from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings

from portal.accounts.lockout import locked_out
from portal.accounts.twofactor import WRONG_CODE
from portal.core.errors import DomainError


class TokenInput(AuthTokenSerializer):
    otp_token = serializers.CharField(
        required=False,
        write_only=True,
        max_length=16,
        help_text="The authenticator app's code (or a recovery code), for accounts with two-step "
        "sign-in.",
    )


class TokenObtain(ObtainAuthToken):
    """`{"username", "password"}` -> `{"token"}`; send `Authorization: Token <token>`.

    Lockout (portal/accounts/lockout.py): a locked-out user and address get 429 `locked_out`,
    even with the right password. An account with two-step sign-in also sends the code of its
    authenticator app (or a recovery code) as `otp_token`: a password alone is not enough here
    either."""

    serializer_class = TokenInput

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError:
            # django-axes marks the request it was given: here DRF's, which Django's middleware
            # never sees, so the lockout answer is given here.
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            raise
        user = serializer.validated_data["user"]
        if user_has_device(user, confirmed=True):
            code = serializer.validated_data.get("otp_token", "")
            if not code:
                raise DomainError(
                    _(
                        "This account uses two-step sign-in: send the code from the "
                        "authenticator app as otp_token."
                    ),
                    code="otp_required",
                )
            if match_token(user, code.replace(" ", "")) is None:
                raise DomainError(WRONG_CODE, code="otp_invalid")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    # DRF's view names its own parsers (an unbounded JSON one among them): the API's bounded
    # defaults instead (portal/core/parsers.py).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
