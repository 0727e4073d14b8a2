"""Tests: the base settings with fast password hashing and in-memory mail.

The database and broker still come from DATABASE_URL / CELERY_BROKER_URL, so CI runs the suite
against the real PostgreSQL and Redis.
"""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
# Links use SITE_URL as in production (a test sets SITE_URL_FROM_REQUEST to see development's).
SITE_URL_FROM_REQUEST = False
# Tests run at any hour: the kiosk's hours are tested where they matter (tests/applications).
KIOSK_OPENING_HOURS_ONLY = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No test fetches a map tile: every tile is the portal's own blank one.
MAP_TILE_URL = "/static/img/blank-tile.png"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"lookup": "1000/min"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run in the test process unless MOTCUA_REAL_CELERY=1 (the end-to-end test's worker and
# beat), so `on_commit` -> `.delay()` needs no broker in the ordinary tests.
CELERY_TASK_ALWAYS_EAGER = not env_bool("MOTCUA_REAL_CELERY", False)  # noqa: F405
SMS_FILE_PATH = Path(  # noqa: F405
    os.environ.get("SMS_FILE_PATH", VAR_DIR / "test-sms-outbox.jsonl")  # noqa: F405
)
