"""Sessions end (issue 8): after a while without a request, and some hours after sign-in.

Idle: SESSION_IDLE_MINUTES, or SESSION_STAFF_IDLE_MINUTES for staff (they open residents'
personal data on shared desk computers). Absolute: SESSION_MAX_AGE_HOURS after sign-in, however
busy the session. The last-seen time is written at most once a minute, not on every request.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "motcua_signed_in_at"
SEEN_AT = "motcua_seen_at"
STAFF = "motcua_staff"
TOUCH_EVERY_SECONDS = 60


def _now() -> float:
    return timezone.now().timestamp()


def _is_staff(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser or user.staff_roles.exists())


@receiver(user_logged_in, dispatch_uid="motcua-session-signed-in")
def _signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: object) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    request.session[STAFF] = _is_staff(user)


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: Any) -> None:
        session = request.session
        now = _now()
        if SIGNED_IN_AT not in session:
            # A session from before this rule (or a test's force_login): it starts now.
            session[SIGNED_IN_AT] = now
            session[SEEN_AT] = now
            session[STAFF] = _is_staff(user)
            return
        staff = session.get(STAFF, True)
        idle_minutes = (
            settings.SESSION_STAFF_IDLE_MINUTES if staff else settings.SESSION_IDLE_MINUTES
        )
        idle = now - float(session.get(SEEN_AT, 0))
        age = now - float(session[SIGNED_IN_AT])
        if idle > idle_minutes * 60 or age > settings.SESSION_MAX_AGE_HOURS * 3600:
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
            return
        if idle > TOUCH_EVERY_SECONDS:
            session[SEEN_AT] = now
