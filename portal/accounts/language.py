"""The language switch: remembered in the cookie and, when signed in, in the account."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal.accounts.models import User

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def remember_language(*, user: User, language: str) -> None:
    """Keep the signed-in user's choice of language in their account (for pages and notices)."""
    if language not in SUPPORTED or user.preferred_language == language:
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switch (sets the cookie, goes back to `next`), plus the account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in SUPPORTED:
        remember_language(user=request.user, language=language)
    return response
