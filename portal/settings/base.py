"""Settings shared by every environment; everything that differs comes from the environment.

Unset ``DATABASE_URL`` / ``CELERY_BROKER_URL`` mean the embedded default: SQLite under ``var/``
and Celery on kombu's filesystem transport, so a laptop runs web, worker and beat with no server.

Composed from one module per concern (each imports what it reads from the one before):
`core` (environment, apps, database, cache, languages, files, logging, payments), `security`
(HTTPS, cookies, sign-in lockout, second factor, sessions, CSP), `api` (REST API and schema) and
`background` (Celery, its beat schedule, SMS and e-mail).
"""

from portal.settings.api import *  # noqa: F403
from portal.settings.background import *  # noqa: F403
from portal.settings.core import *  # noqa: F403
from portal.settings.core import _DEV_PAYMENT_SECRET, _DEV_SECRET_KEY  # noqa: F401 - production
from portal.settings.security import *  # noqa: F403
