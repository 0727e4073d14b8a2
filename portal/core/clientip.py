"""The client's address, as far as the portal can trust it.

`X-Forwarded-For` is written by whoever sends the request: a client may put any address in it.
Only the entries appended by our own reverse proxies are true, and each proxy appends the
address it received the request from. With `TRUSTED_PROXY_COUNT = n` proxies in front of the
portal, the client is therefore the n-th entry from the right; everything to its left is the
client's own claim and is ignored. With 0 (the default) the portal is reached directly and only
`REMOTE_ADDR` counts. DRF's `NUM_PROXIES` is set from the same setting, so both agree.

Throttles, the look-up lockout and the sign-in lockout (django-axes) all call `client_ip`.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client that made `request`, never one the client chose."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if not entries:
        return remote
    # As DRF's `get_ident`: the n-th from the right, or the leftmost when fewer were appended.
    chosen = _valid(entries[-min(proxies, len(entries))])
    return chosen or remote


def throttle_ident(request: HttpRequest) -> str:
    """The key a throttle counts under: the client address, with an IPv6 client's /64 taken as
    one client (a single subscriber line holds a whole /64 and can rotate through it)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
