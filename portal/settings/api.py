"""Settings: the REST API (DRF, its throttles, JSON limits, the OpenAPI schema)."""

import os

from portal.settings.security import TRUSTED_PROXY_COUNT

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.core.tokens.CompiledTokenAuthentication",
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
    # The national satisfaction scheme's nine criteria share one scale (0, 1, 2): one enum.
    "ENUM_NAME_OVERRIDES": {"CriterionScoreEnum": [(0, 0), (1, 1), (2, 2)]},
}

# --- Logging: no personal data (citizen IDs, phones) is ever logged -------------------------
