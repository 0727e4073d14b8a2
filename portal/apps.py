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
        from celery.signals import task_postrun
        from django.core.signals import request_finished

        from portal.accounts import sessions  # noqa: F401
        from portal.core.uploads import discard_orphans

        # Files written by a transaction that rolled back outside a service (the request's own
        # transaction, a caller's) are found once the request is over.
        request_finished.connect(discard_orphans, dispatch_uid="motcua-discard-orphan-files")
        task_postrun.connect(
            discard_orphans, dispatch_uid="motcua-discard-orphan-files", weak=False
        )
