from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal and accounts")

    def ready(self):
        # The session clock starts at sign-in (portal/sessions.py).
        from portal import sessions  # noqa: F401
