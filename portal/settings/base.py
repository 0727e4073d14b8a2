"""Settings shared by every environment; everything that differs comes from the environment.

Unset ``DATABASE_URL`` / ``CELERY_BROKER_URL`` mean the embedded default: SQLite under ``var/``
and Celery on kombu's filesystem transport, so a laptop runs web, worker and beat with no server.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-motcua-development-key-not-for-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address in QR codes, SMS and e-mail links; production needs it (portal/core/site.py).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"

INSTALLED_APPS = [
    # The admin site, verifying the second factor of administrators when OTP_REQUIRED_FOR_ADMIN.
    "portal.admin_site.MotCuaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    # Triggers that keep the history tables append-only in PostgreSQL (no-ops on SQLite).
    "pgtrigger",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "portal",
    "procedures",
    "applications",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A NUL character in the path, query, cookies or form: 400 before any view (PostgreSQL
    # refuses it, which was a 500).
    "portal.middleware.input.RejectForbiddenCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.language.ChosenLanguageMiddleware",  # never Accept-Language; SITE_URL
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.sessions.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Near the end, so it sees a view's exception first (axes below has no exception hook): a
    # database outage becomes a 503, not a 500.
    "portal.middleware.outage.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"
# Residents sign in with their username, phone or e-mail and password. django-axes comes first:
# it refuses every sign-in of a locked-out user and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.oidc.NationalIdBackend",
    "portal.accounts.auth.PhoneOrEmailBackend",
]

# National e-ID (VNeID) sign-in through OpenID Connect: off unless OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile phone email")
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
if not OIDC_RP_CLIENT_ID:
    # The backend's constructor checks its keys even when unused: HS256 needs none.
    OIDC_RP_SIGN_ALGO = "HS256"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # A database that does not answer fails a request in seconds (a 503), not after the
        # operating system's TCP timeout of minutes.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "motcua.sqlite3",
            # Web, worker and beat share the file: wait for a lock instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that does not answer fails the request in seconds (a 503), never hangs it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Passwords ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as dd/mm/yyyy in Vietnamese (portal/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "motcua_language"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves collected files; in development the finders serve them (runserver_nostatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# S3-compatible storage for attachments: set MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage
# (django-storages) and its AWS_* variables.
if os.environ.get("MEDIA_STORAGE_BACKEND"):
    STORAGES["default"] = {"BACKEND": os.environ["MEDIA_STORAGE_BACKEND"]}

# An attachment may be at most this large (bytes); shown to the user before upload.
MOTCUA_MAX_UPLOAD_BYTES = int(os.environ.get("MOTCUA_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
# How many reverse proxies of ours stand in front of the portal, each appending to
# X-Forwarded-For: the client address is the entry that many from the right
# (portal.core.clientip.client_ip). 0: reached directly, only REMOTE_ADDR counts.
_proxies = os.environ.get("TRUSTED_PROXY_COUNT", "").strip() or "0"
if not _proxies.isdigit():
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {_proxies!r}")
TRUSTED_PROXY_COUNT = int(_proxies)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# /healthz answers over plain HTTP for the load balancer and the container health check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Each check of /healthz (broker connection, worker ping) gives up after this many seconds.
MOTCUA_HEALTHZ_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_HEALTHZ_TIMEOUT", "2"))

# --- Sign-in lockout (django-axes; portal/accounts/lockout.py) -------------------------------
# A user is locked out *from one address* after SIGNIN_FAILURE_LIMIT failures in the cool-off
# window (counted from the last failure): an attacker elsewhere cannot lock a citizen out of
# their own phone. One address is locked out for everyone after SIGNIN_ADDRESS_FAILURE_LIMIT
# failures over any usernames: one password sprayed over many accounts. The second limit is
# higher because a ward's service centre signs many people in from one address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
MOTCUA_SIGNIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGNIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "portal.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "portal.core.clientip.client_ip"
AXES_USERNAME_CALLABLE = "portal.accounts.lockout.account_key"
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.locked_out"
AXES_CLIENT_STR_CALLABLE = "portal.accounts.lockout.client_str"
# A sign-in that succeeds forgets that user's failures from that address (never the address's).
AXES_RESET_ON_SUCCESS = True
# Failures while locked out do not push the end further: "try again in 15 minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp_token"]

# --- Second factor (django-otp: TOTP apps, and one-time recovery codes) ---------------------
# Staff may add an authenticator app at /accounts/xac-thuc-hai-buoc/; once they have, sign-in
# asks for its code. With OTP_REQUIRED_FOR_ADMIN the admin site is open only to sessions that
# passed a second factor (true in production; false here so the demo works out of the box).
OTP_REQUIRED_FOR_ADMIN = env_bool("OTP_REQUIRED_FOR_ADMIN", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "MotCua")
# A password that passed waits this long for its code before the sign-in starts again.
MOTCUA_OTP_PENDING_SECONDS = 300

# --- Sessions (portal/accounts/sessions.py) --------------------------------------------------
# A session ends after SESSION_IDLE_MINUTES without a request (SESSION_STAFF_IDLE_MINUTES for
# staff, who open residents' personal data), and SESSION_MAX_AGE_HOURS after sign-in whatever
# happens; the cookie itself lives no longer than that.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
SESSION_STAFF_IDLE_MINUTES = int(os.environ.get("SESSION_STAFF_IDLE_MINUTES", "30"))
SESSION_MAX_AGE_HOURS = int(os.environ.get("SESSION_MAX_AGE_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_AGE_HOURS * 3600


# --- Content-Security-Policy (django-csp 4) -------------------------------------------------
# No inline script or style anywhere: pages load their scripts and styles from static/.
def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Forms post to the portal itself; Chromium also applies form-action to the redirect that
# follows a post, so the origins a form's answer sends the browser to are listed: the e-ID
# provider and any real payment gateway (CSP_FORM_ACTION, comma-separated origins).
_form_action = [SELF, *env_list("CSP_FORM_ACTION", [])]
if _origin(OIDC_OP_AUTHORIZATION_ENDPOINT):
    _form_action.append(_origin(OIDC_OP_AUTHORIZATION_ENDPOINT))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Receipts and the second-factor page carry their QR code as a data: image.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": _form_action,
    },
}
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON bounded in size and nesting (portal/core/parsers.py); forms and uploads as DRF parses
    # them.
    "DEFAULT_PARSER_CLASSES": [
        "portal.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"lookup": os.environ.get("LOOKUP_THROTTLE", "30/min")},
    # DRF reads X-Forwarded-For only as far as our own proxies (portal/core/clientip.py).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

# Throttles count in the default cache (Redis with REDIS_URL): portal/core/throttling.py.
# The look-up per dossier code, whatever the address: "burst:seconds" tiers. "5:180,30:3600":
# 5 wrong digit attempts at once, then one per 3 minutes; and 30 at once, then one per hour.
LOOKUP_CODE_LIMITS = os.environ.get("LOOKUP_CODE_LIMITS", "5:180,30:3600")
# Kiosk queue tickets per unit and minute (the kiosk page is public).
KIOSK_TICKETS_PER_MINUTE = int(os.environ.get("KIOSK_TICKETS_PER_MINUTE", "10"))

# A JSON body larger or deeper than this is refused with 400 `invalid_input`.
MOTCUA_JSON_MAX_BYTES = int(os.environ.get("MOTCUA_JSON_MAX_BYTES", str(1024 * 1024)))
MOTCUA_JSON_MAX_DEPTH = int(os.environ.get("MOTCUA_JSON_MAX_DEPTH", "20"))
SPECTACULAR_SETTINGS = {
    "TITLE": "MotCua API",
    "DESCRIPTION": "Procedures, dossiers and the working-day calendar of one-stop desks.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the portal itself: no CDN, works on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The error answers (`{"code", "detail"}`) every operation may give, documented.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.core.api.document_errors",
    ],
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if CELERY_BROKER_URL:
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
    # Redis redelivers a task not acknowledged within this many seconds (acks late): the
    # backstop for a task whose worker was killed. Notices do not wait for it: the requeue sweep
    # sends them again within two minutes (docs/adr/0005). It stays long because a retry waiting
    # for its countdown (back-off up to 30 min) is held unacknowledged and would be redelivered,
    # and copied, every time it ran out.
    _visibility = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility,
        # Look for abandoned messages often enough for the timeout to mean what it says.
        "unacked_restore_interval": max(1, min(10, _visibility // 6)),
        "unacked_restore_throttle": 1 if _visibility < 600 else 10,
    }
else:
    # kombu's filesystem transport: worker, beat and web exchange messages through files under
    # var/celery, so all three really run on a laptop with no server at all.
    _celery_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "results", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # Broadcast and control messages (celery inspect, remote control) go here too, not
        # into a "control" folder wherever the process happens to start.
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = os.environ.get(
        "CELERY_RESULT_BACKEND", f"file://{_celery_dir / 'results'}"
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_IGNORE_RESULT = True

# The timers, declared here and listed read-only at /admin/timers/. The sweep is the timer: no
# per-dossier countdown or ETA task (Redis would redeliver long countdowns again and again).
# MOTCUA_SWEEP_INTERVAL_SECONDS exists for the end-to-end test, which cannot wait a minute.
MOTCUA_SWEEP_INTERVAL_SECONDS = float(os.environ.get("MOTCUA_SWEEP_INTERVAL_SECONDS", "60"))
# Redelivery of notices after a worker crash (docs/adr/0005-redelivery-after-crash.md): every
# MOTCUA_REQUEUE_INTERVAL_SECONDS, e-mail and SMS notices still pending and untouched for
# MOTCUA_REDELIVER_AFTER_SECONDS (and not waiting for a retry) are queued again, unless more
# than MOTCUA_REQUEUE_MAX_WAITING messages already wait in the broker.
MOTCUA_REQUEUE_INTERVAL_SECONDS = float(os.environ.get("MOTCUA_REQUEUE_INTERVAL_SECONDS", "60"))
MOTCUA_REDELIVER_AFTER_SECONDS = float(os.environ.get("MOTCUA_REDELIVER_AFTER_SECONDS", "60"))
MOTCUA_REQUEUE_MAX_WAITING = int(os.environ.get("MOTCUA_REQUEUE_MAX_WAITING", "1000"))
CELERY_BEAT_SCHEDULE = {
    "flag-overdue": {
        "task": "applications.tasks.flag_overdue_sweep",
        "schedule": MOTCUA_SWEEP_INTERVAL_SECONDS,
        # A sweep queued while no worker ran is worthless once the next one is due.
        "options": {"expires": MOTCUA_SWEEP_INTERVAL_SECONDS},
    },
    "remind-due-soon": {
        "task": "applications.tasks.remind_due_soon",
        "schedule": 15 * 60.0,
        "options": {"expires": 15 * 60.0},
    },
    # Every day at 07:00 (CELERY_TIMEZONE); the task itself skips days off and runs on the
    # government's make-up working Saturdays, which a Monday-to-Friday crontab would miss.
    "leader-digest": {
        "task": "applications.tasks.leader_digest",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 3600.0},
    },
    # A notice left pending (its worker killed mid-send, its queuing failed with the broker
    # down, a retry lost) is queued again by this sweep: sent within about two minutes of a
    # crash, not after the visibility timeout (docs/adr/0005-redelivery-after-crash.md).
    "requeue-notifications": {
        "task": "portal.tasks.requeue_pending_notifications",
        "schedule": MOTCUA_REQUEUE_INTERVAL_SECONDS,
        "options": {"expires": MOTCUA_REQUEUE_INTERVAL_SECONDS},
    },
    # Neighbourhood reports still `new` past their pick-up target (2 working hours, 15 minutes
    # for a fire): the ward leader is told, once.
    "feedback-escalate": {
        "task": "feedback.tasks.escalate_unattended",
        "schedule": MOTCUA_SWEEP_INTERVAL_SECONDS,
        "options": {"expires": MOTCUA_SWEEP_INTERVAL_SECONDS},
    },
}

# --- Notifications (outbox, sent by Celery) -------------------------------------------------
# SMS: "file" writes JSON lines to SMS_FILE_PATH (development, tests); "http" posts to the
# gateway at SMS_GATEWAY_URL with SMS_GATEWAY_TOKEN (production).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "file")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms-outbox.jsonl"))
# Test-only: the file gateway waits this long before writing (a slow gateway, to kill a worker
# in the middle of a send).
SMS_FILE_DELAY_SECONDS = float(os.environ.get("MOTCUA_SMS_FILE_DELAY", "0"))
# No statute in LEGAL.md fixes how long a citizen has to answer a supplement request: a request
# without its own deadline is reported to the leader after this many working days.
MOTCUA_SUPPLEMENT_LIMIT_WORKING_DAYS = int(os.environ.get("MOTCUA_SUPPLEMENT_LIMIT_DAYS", "15"))

# --- E-mail ---------------------------------------------------------------------------------
# By default each e-mail is a file under var/mail/ (Django's file backend), never the console:
# the worker's log would otherwise hold every address and notice it sends (issue 8). Production
# sets EMAIL_BACKEND to SMTP.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MotCua <no-reply@motcua.local>")

# --- Logging: no personal data (citizen IDs, phones) is ever logged -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Fee payments -----------------------------------------------------------------------------
# "sandbox" ships for the demo and tests and behaves like a Vietnamese gateway (HMAC-signed
# return and server-to-server confirmation); "none" turns online payment off. Production
# defaults to "none" and allows the sandbox only with PAYMENT_SANDBOX_ALLOWED and a strong secret.
PAYMENT_GATEWAY = os.environ.get("PAYMENT_GATEWAY", "sandbox")
# The demo's secret is published here: production refuses it (portal/settings/production.py).
# An empty value is no secret: it falls back to the demo's.
_DEV_PAYMENT_SECRET = "motcua-sandbox-dev-secret"  # noqa: S105
PAYMENT_SANDBOX_SECRET = os.environ.get("PAYMENT_SANDBOX_SECRET") or _DEV_PAYMENT_SECRET

# Largest image accepted, in pixels (width x height), read from the header before anything is
# decoded: a photo or scan of a paper document needs far less than 50 megapixels.
MOTCUA_MAX_IMAGE_PIXELS = int(os.environ.get("MOTCUA_MAX_IMAGE_PIXELS", str(50_000_000)))
