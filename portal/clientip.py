"""The address a request came from.

Minimal version for the sign-in lockout (issue 8): the socket's peer address. The trusted-proxy
handling (X-Forwarded-For from known proxies only) replaces this body with the same name and
signature.
"""


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
