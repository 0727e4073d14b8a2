"""Pages turn domain errors into what a browser expects, in one place.

`@page()` on a view function: `NotFound` becomes a 404, `PermissionDenied` a 403, and any other
`DomainError` raised by a POST a `messages.error` with the error's message and a redirect, to the
URL name given (reversed with the view's own URL arguments, or only those named in `kwargs`) or
back to the page itself. On a GET such an error passes through (a redirect could loop).
`@page(render=...)` instead answers every domain error with that function's response (a page
that explains, with the error's status).

A redirect drops what was posted: a page whose form must survive an error (the citizen's
supplement note, the desk's action form, any form re-rendered with its errors) handles that error
itself, with `form.add_error` or by keeping the input in the session.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.core.errors import DomainError, NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def page(
    back: str | None = None,
    *,
    kwargs: Iterable[str] | None = None,
    render: Callable[[HttpRequest, DomainError], HttpResponse] | None = None,
) -> Callable[[View], View]:
    names = tuple(kwargs) if kwargs is not None else None

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **view_kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **view_kwargs)
            except DomainError as error:
                if render is not None:
                    return render(request, error)
                if isinstance(error, NotFound):
                    raise Http404 from error
                if isinstance(error, PermissionDenied):
                    raise Forbidden from error
                if request.method != "POST":
                    raise
                messages.error(request, str(error.message))
                if back is None:
                    return redirect(request.get_full_path())
                chosen = names if names is not None else tuple(view_kwargs)
                arguments = {name: view_kwargs[name] for name in chosen}
                # A URL name and arguments (`**arguments` could be `permanent`: the stub says Any).
                response: HttpResponse = redirect(back, **arguments)
                return response

        return wrapper

    return decorate
