"""Settings, the core: environment helpers, apps and middleware, sign-in backends, templates,
database, cache, passwords, languages and time, static and uploaded files, logging, payments.

Composed with the other parts in `portal.settings.base`."""

import os
from pathlib import Path

import dj_database_url
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
    # The partial indexes' INCLUDE columns are PostgreSQL's: SQLite ignores them (the index
    # still serves), so its warning about them says nothing a laptop user can act on.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
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

# --- The reports map (feedback: templates/feedback/map.html, static/js/reports-map.js) ------
# The tile server: OpenStreetMap's by default (its tile usage policy asks for the attribution
# and modest use); a local tile server is one URL away. A relative URL is served by the portal
# (the tests point it at static/img/blank-tile.png so that no test needs the network). An
# absolute URL's origin is added to the Content-Security-Policy's img-src (security.py).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
MAP_TILE_MAX_ZOOM = int(os.environ.get("MAP_TILE_MAX_ZOOM", "19"))
