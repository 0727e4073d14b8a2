"""The page decorator (portal/core/pages.py): a domain error on a page becomes a 404, a 403, or a
message and a redirect, the same way on every page."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from portal.core.errors import Conflict, NotFound, PermissionDenied
from portal.core.pages import page


def _request(method: str = "post"):
    request = getattr(RequestFactory(), method)("/desk/counter/7/call/")
    request._messages = CookieStorage(request)
    return request


def _raising(error):
    def view(request, **kwargs):
        raise error

    return view


def test_a_missing_thing_is_a_404_and_a_refusal_a_403():
    with pytest.raises(Http404):
        page()(_raising(NotFound()))(_request("get"))
    with pytest.raises(Forbidden):
        page("desk:counter")(_raising(PermissionDenied()))(_request(), pk=7)


def test_a_refused_post_says_why_and_goes_back_to_the_named_page():
    request = _request()
    response = page("desk:counter", kwargs=["pk"])(_raising(Conflict("Already called.")))(
        request, pk=7, ticket_pk=3
    )
    assert response.status_code == 302
    assert response["Location"] == "/desk/counter/7/"
    assert [str(m) for m in get_messages(request)] == ["Already called."]


def test_a_refused_post_without_a_named_page_goes_back_to_itself():
    request = _request()
    response = page()(_raising(Conflict("Changed meanwhile.")))(request)
    assert response["Location"] == "/desk/counter/7/call/"


def test_a_get_lets_other_errors_through_rather_than_redirect_to_itself():
    with pytest.raises(Conflict):
        page("desk:counter")(_raising(Conflict()))(_request("get"), pk=7)


def test_a_page_may_answer_every_domain_error_itself():
    def explain(request, error):
        return HttpResponse(str(error.message), status=error.status)

    response = page(render=explain)(_raising(NotFound("No such form.")))(_request("get"))
    assert (response.status_code, response.content) == (404, b"No such form.")
