"""Settings: HTTPS and cookies, the sign-in lockout, the second factor, sessions and the
Content-Security-Policy."""

import os
from datetime import timedelta
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.settings.core import (
    DEBUG,
    MAP_TILE_URL,
    OIDC_OP_AUTHORIZATION_ENDPOINT,
    env_bool,
    env_list,
)

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
        # The map's tiles come from MAP_TILE_URL's origin (none: the portal serves them).
        "img-src": [SELF, "data:", *filter(None, [_origin(MAP_TILE_URL)])],
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
