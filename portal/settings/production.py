"""Production: the same settings, with the secrets required and HTTPS enforced.

Every value still comes from the environment; this file only refuses unsafe defaults.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import _DEV_PAYMENT_SECRET, _DEV_SECRET_KEY, DEBUG, SECRET_KEY, env_bool

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")
if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production")

# The public address is printed in receipts' QR codes and sent in SMS and e-mail: never guessed.
SITE_URL_FROM_REQUEST = False
_site = urlsplit(os.environ.get("SITE_URL", "").strip())
if _site.scheme not in ("https", "http") or not _site.netloc or _site.path.strip("/"):
    raise ImproperlyConfigured(
        "SITE_URL must be set to the portal's public address in production, "
        "e.g. SITE_URL=https://motcua.hue.gov.vn (printed in QR codes, SMS and e-mail links)"
    )
SITE_URL = f"{_site.scheme}://{_site.netloc}"

# --- Fee payments ----------------------------------------------------------------------------
# The sandbox gateway's bank pays at the press of a button and its demo secret is published in
# this repository: with both, anyone could sign an IPN that marks a fee paid. Production takes
# no online payment unless told which gateway (`none` by default: the desk confirms payments);
# the sandbox only on a staging site that says so, and only with a strong secret of its own.
PAYMENT_GATEWAY = os.environ.get("PAYMENT_GATEWAY", "").strip() or "none"
PAYMENT_SANDBOX_ALLOWED = env_bool("PAYMENT_SANDBOX_ALLOWED", False)
PAYMENT_SANDBOX_SECRET = os.environ.get("PAYMENT_SANDBOX_SECRET", "")
PAYMENT_SECRET_MIN_LENGTH = 32
# The names applications.services.gateway.GATEWAYS knows, and "none".
_PAYMENT_GATEWAYS = ("none", "sandbox")
if PAYMENT_GATEWAY not in _PAYMENT_GATEWAYS:
    raise ImproperlyConfigured(
        f"PAYMENT_GATEWAY must be one of {', '.join(_PAYMENT_GATEWAYS)}, not {PAYMENT_GATEWAY!r}"
    )
if PAYMENT_GATEWAY == "sandbox":
    if not PAYMENT_SANDBOX_ALLOWED:
        raise ImproperlyConfigured(
            "PAYMENT_GATEWAY=sandbox takes no real money and pays at the press of a button: "
            "set PAYMENT_SANDBOX_ALLOWED=true only on a staging site, or PAYMENT_GATEWAY=none"
        )
    if (
        PAYMENT_SANDBOX_SECRET == _DEV_PAYMENT_SECRET
        or len(PAYMENT_SANDBOX_SECRET) < PAYMENT_SECRET_MIN_LENGTH
    ):
        raise ImproperlyConfigured(
            "PAYMENT_SANDBOX_SECRET must be a random value of at least "
            f"{PAYMENT_SECRET_MIN_LENGTH} characters, never the demo's published one"
        )

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
# Administrators pass a second factor (TOTP or a recovery code) before the admin site opens.
OTP_REQUIRED_FOR_ADMIN = env_bool("OTP_REQUIRED_FOR_ADMIN", True)
