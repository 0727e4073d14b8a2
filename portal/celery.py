"""The Celery app: `celery -A portal worker|beat` finds it here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The kernel's notification tasks live below the `portal` app, where autodiscovery does not look.
app.autodiscover_tasks(["portal.notifications"])
