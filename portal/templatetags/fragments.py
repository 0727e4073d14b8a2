"""`{% samefor_everyone %}...{% endsamefor_everyone %}`: a piece of a page rendered once per
language and process, then reused (issue 10).

Only for what is the same for every reader in a language: translated words, `{% static %}` and
`{% url %}` without arguments. Never a user's name, a form's CSRF token, the request's path or
anything read from the database: those stay outside. tests/test_fragments.py checks that the
base template's fragments are the same for an anonymous visitor and a signed-in clerk."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


class SameForEveryoneNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        # language -> the rendered text, kept with the node (the template loader keeps the
        # parsed template for the process's life).
        self.rendered: dict[str | None, SafeString] = {}

    def render(self, context: template.Context) -> str:
        language = get_language()
        text = self.rendered.get(language)
        if text is None:
            text = self.rendered[language] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return text


@register.tag
def samefor_everyone(parser: template.base.Parser, token: template.base.Token) -> template.Node:
    nodelist = parser.parse(("endsamefor_everyone",))
    parser.delete_first_token()
    return SameForEveryoneNode(nodelist)
