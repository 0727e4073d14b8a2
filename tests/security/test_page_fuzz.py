"""The pages are not in the OpenAPI schema: their query strings are fuzzed here (issue 8, item 9).

Every page without a path parameter, and every public or staff page with one (filled with the
victims' identifiers), is asked with query strings made of the names the views read and random
values, as anonymous, the demo citizen and the Kim Long leader: never a server error.
Derandomised; `MOTCUA_FUZZ_EXAMPLES` examples per page and role.
"""

import os

import hypothesis
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from portal.accounts.models import User

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "40")) // 2
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
# The names the views read from the query (grep `GET.get(` and `params.get(`).
NAMES = [
    "page", "from", "to", "unit", "state", "q", "search", "category", "status", "sort", "dir",
    "field", "procedure", "channel", "assignee", "overdue", "code", "phone", "next", "choose",
    "mine", "kind", "level", "group_by",
]  # fmt: skip
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
VALUES = st.one_of(
    TEXT,
    st.integers().map(str),
    st.sampled_from(
        ["", "9999-12-31", "0001-01-01", "31/12/9999", "-1", "99999999999999999999", "1e400"]
    ),
    st.dates().map(str),
    st.sampled_from(["19774", "19789", "desk", "online", "resolved", "overdue", "due_at", "desc"]),
)
QUERIES = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=5)
# Pages that do something on GET or only answer POST: not fuzzed by GET here.
SKIP = {"portal:logout", "payments:ipn", "payments:return", "oidc_authentication_init",
        "oidc_authentication_callback", "oidc_logout", "set_language"}  # fmt: skip


def _pages(victims) -> list[str]:
    kwargs = {
        "code": victims.dossier.code,
        "procedure_code": victims.procedure.code,
        "unit_code": "19774",
        "pk": victims.draft.pk,
    }
    pages = []

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                route = str(entry.pattern)
                if name.startswith(("admin:", "api-", "open311-")) or name in SKIP:
                    continue
                if "(?P<" in route:
                    continue
                wanted = {k: v for k, v in kwargs.items() if f":{k}>" in route}
                try:
                    pages.append(reverse(name, kwargs=wanted or None))
                except Exception:
                    continue

    walk(get_resolver())
    return sorted(set(pages))


def _fuzz_page(client, page: str) -> None:
    @SETTINGS
    @given(query=QUERIES)
    def run(query):
        response = client.get(page, query)
        assert response.status_code < 500, (page, query)

    run()


@pytest.mark.parametrize("role", ["anonymous", "citizen", "leader.kimlong"])
def test_no_page_gives_a_server_error_whatever_its_query(victims, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    pages = _pages(victims)
    assert len(pages) > 20
    failures = []
    for page in pages:
        try:
            _fuzz_page(client, page)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)
