"""Sign in with a username, a mobile number or an e-mail address, and the password.

Replaces `ModelBackend` in AUTHENTICATION_BACKENDS (it is one, so permissions and
`is_active` work the same). An identifier that matches more than one account signs nobody in:
the portal never guesses whose password was typed.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from portal.accounts.roles import signed_in_user


def _as_phone(identifier: str) -> str:
    digits = "".join(ch for ch in identifier if ch not in " .-()")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits if digits.isdigit() else ""


def matching_accounts(identifier: str) -> list[Any]:
    """The accounts a username, phone or e-mail names (at most two: more is already ambiguous).
    The sign-in lockout counts failures under the same account (portal/accounts/lockout.py)."""
    identifier = identifier.strip()
    manager = get_user_model()._default_manager
    candidates = list(manager.filter(username=identifier))
    if not candidates:
        condition = Q(pk__in=[])
        if "@" in identifier:
            condition |= Q(email__iexact=identifier)
        phone = _as_phone(identifier)
        if phone:
            condition |= Q(phone=phone)
        candidates = list(manager.filter(condition)[:2])
    return candidates


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        users = get_user_model()
        if username is None:
            username = kwargs.get(users.USERNAME_FIELD)
        if not username or password is None:
            return None
        candidates = matching_accounts(username)
        if len(candidates) != 1:
            # Run the hasher anyway, so a wrong identifier takes as long as a wrong password
            # (Django's ModelBackend does the same against user enumeration).
            users().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> Any:
        """ModelBackend's answer (an inactive user is nobody), the user read with their staff
        roles in one query (issue 10)."""
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
