from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal and accounts")

    def ready(self):
        from portal.core.throttling import check_shared_cache

        checks.register(check_shared_cache, checks.Tags.security, deploy=True)
        # The session clock starts at sign-in (portal/accounts/sessions.py).
        from portal.accounts import sessions  # noqa: F401
