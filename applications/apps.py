from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Dossiers")

    def ready(self):
        from celery.signals import task_postrun
        from django.core.signals import request_finished

        from applications.files import discard_orphans

        # Files written by a transaction that rolled back outside a service (the request's own
        # transaction, a caller's) are found once the request is over.
        request_finished.connect(discard_orphans, dispatch_uid="motcua-discard-orphan-files")
        task_postrun.connect(
            discard_orphans, dispatch_uid="motcua-discard-orphan-files", weak=False
        )
