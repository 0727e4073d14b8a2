from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Units, procedures and calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from procedures import models, snapshot

        # Every change of what the catalogue's pages show makes each worker reload it
        # (procedures/snapshot.py); bulk writes call `snapshot.invalidate` themselves.
        for model in (
            models.Procedure,
            models.ProcedureVersion,
            models.RequiredDocument,
            models.Field,
            models.Unit,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    snapshot.invalidate, sender=model, dispatch_uid=f"catalogue-{model.__name__}"
                )
