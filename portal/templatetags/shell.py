"""The page shell's fragments rendered once per language for anonymous visitors (issue 10).

`{% shell "name" %}...{% endshell %}` wraps a part of a page that, for a visitor who is not signed
in, depends on nothing but the language and the script prefix: the stylesheet and icon links,
the header with its menu and language switch, the footer, a form's labels. For such a visitor the
part is rendered the first time and kept in the worker's memory; later requests reuse it with
their own values put in place. For a signed-in user (their name, their links) it is rendered
every time, as any template.

Nothing per person is ever kept: the kept text is rendered with markers in place of the
per-request values, and each request puts its own in their place:

- the CSRF token (`{% csrf_token %}`);
- `{{ next_path }}`, the page's own address (the language switch returns to it);
- the holes the tag names, `{% shell "name" query code %}`: each printed as `{{ query }}` would
  print it. A hole is only printed, plainly (`{{ query }}`), never tested (`{% if %}`), filtered
  or passed to a tag: there it would be the marker, not the value.

A shell holds no `{% block %}` (refused when parsed).

`{% shell "header" signed_in=nav_desk,nav_dashboard %}` keeps the shell for signed-in users too
(issue 10): per language and per truth of the named variables (the links a user may follow), the
user's name printed through the hole `signed_in_name` (their `display_name`), put in per request
like the token. Such a shell tests nothing else about the user than `user.is_authenticated` and
those variables, and prints nothing else of theirs.
"""

import re
import secrets

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import render_value_in_context
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

_MARK = f"motcua-shell-{secrets.token_hex(8)}"  # per process: no request can guess it
CSRF_MARK = f"{_MARK}-csrfz"
SIGNED_IN_NAME = "signed_in_name"
PATH_MARK = f"{_MARK}-pathz"
# Languages times script prefixes: a handful. Past this, the kept texts are dropped (a script
# prefix could come from a header a client writes).
MAX_KEPT = 16
_generation = 0


@receiver(setting_changed, dispatch_uid="motcua-shell-settings")
def _forget(**kwargs) -> None:
    """A setting changed (tests): every kept fragment is rendered afresh."""
    global _generation
    _generation += 1


class ShellNode(template.Node):
    # Opaque to `get_nodes_by_type`: `{% extends %}` looks for the parent's blocks on every
    # render, and a shell holds none, so the walk need not enter it.
    child_nodelists = ()

    def __init__(
        self,
        name: str,
        holes: list[str],
        nodelist: template.NodeList,
        signed_in: tuple[str, ...] | None = None,
    ) -> None:
        self.name = name
        self.signed_in = signed_in  # kept for signed-in users per these variables' truth
        if signed_in is not None:
            holes = [*holes, SIGNED_IN_NAME]
        self.marks = {hole: f"{_MARK}-h{index}z" for index, hole in enumerate(holes)}
        self.holes = {mark: template.Variable(hole) for hole, mark in self.marks.items()}
        marks = [CSRF_MARK, PATH_MARK, *self.holes]
        self._split = re.compile("(" + "|".join(re.escape(mark) for mark in marks) + ")").split
        self.nodelist = nodelist
        self._kept: dict[tuple, list[str]] = {}

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        user = context.get("user")
        if self.signed_in is not None and getattr(user, "is_authenticated", False):
            with context.push(**{SIGNED_IN_NAME: user.display_name}):  # type: ignore[union-attr]
                if request is None:
                    return self._render(context, request)
                flags = tuple(bool(context.get(name)) for name in self.signed_in)
                return self._kept_render(context, request, ("signed in", *flags))
        if request is None or getattr(user, "is_authenticated", True):
            return self._render(context, request)
        return self._kept_render(context, request, ())

    def _kept_render(self, context: template.Context, request, who: tuple) -> str:
        token = context.get("csrf_token")
        if not token or str(token) == "NOTPROVIDED":
            return self._render(context, request)
        key = (_generation, get_language(), get_script_prefix(), *who)
        parts = self._kept.get(key)
        if parts is None:
            with context.push(csrf_token=CSRF_MARK, next_path=PATH_MARK, **self.marks):
                parts = self._split(self.nodelist.render(context))
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[key] = parts
        if len(parts) == 1:
            return parts[0]
        return "".join(
            self._value(part, context, request, token) if index % 2 else part
            for index, part in enumerate(parts)
        )

    def _value(self, mark: str, context: template.Context, request, token) -> str:
        if mark == CSRF_MARK:
            return conditional_escape(str(token))
        if mark == PATH_MARK:
            return conditional_escape(request.get_full_path())
        try:
            value = self.holes[mark].resolve(context)
        except template.VariableDoesNotExist:
            return ""
        return render_value_in_context(value, context)

    def _render(self, context: template.Context, request) -> str:
        with context.push(next_path=request.get_full_path() if request is not None else ""):
            return self.nodelist.render(context)


@register.tag
def shell(parser, token):
    """`{% shell "name" hole ... %}...{% endshell %}`: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% shell "name" %} takes a quoted name first')
    holes = [bit for bit in bits[2:] if not bit.startswith("signed_in=")]
    signed_in = None
    for bit in bits[2:]:
        if bit.startswith("signed_in="):
            signed_in = tuple(name for name in bit.removeprefix("signed_in=").split(",") if name)
            if any(not name.isidentifier() for name in signed_in):
                raise template.TemplateSyntaxError("signed_in= names plain variables")
    if any(not hole.isidentifier() for hole in holes):
        raise template.TemplateSyntaxError("{% shell %}'s holes are plain variable names")
    nodelist = parser.parse(("endshell",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("a {% shell %} cannot hold a {% block %}")
    return ShellNode(bits[1][1:-1], holes, nodelist, signed_in)
