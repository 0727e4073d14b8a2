"""The public look-up (`/tra-cuu/`): the receipt's QR code opens it. No login, no personal data."""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from applications import selectors, timeliness
from portal.errors import NotFound

LOOKUP_LIMIT_PER_MINUTE = getattr(settings, "MOTCUA_LOOKUP_PER_MINUTE", 30)


def _throttled(request) -> bool:
    """A fixed window per client address: guessing codes and digits gets slow quickly."""
    key = (
        f"lookup-page:{request.META.get('REMOTE_ADDR', '')}:{int(timezone.now().timestamp() // 60)}"
    )
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > LOOKUP_LIMIT_PER_MINUTE


def lookup(request):
    """The receipt's QR code opens `/tra-cuu/?code=...` (GET, the code only); the form sends the
    phone digits by POST, so they stay out of the address bar, the history and the access log.
    An old link with `phone` in the query string still answers."""
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("code", "").strip()[:40]
    phone = data.get("phone", "").strip()[:4]
    context = {"code": code, "phone": "", "dossier": None, "not_found": False}
    status = 200
    if code and phone:
        if _throttled(request):
            return render(request, "portal/lookup.html", {**context, "throttled": True}, status=429)
        try:
            dossier = selectors.dossier_lookup(code=code, phone_last4=phone)
        except NotFound:
            context["not_found"] = True
            status = 404
        else:
            word = timeliness.of(dossier, timezone.now())
            context.update(
                dossier=dossier,
                timeliness=word,
                timeliness_label=timeliness.LABELS.get(word, ""),
            )
    return render(request, "portal/lookup.html", context, status=status)
