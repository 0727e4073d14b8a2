"""Every API error code is one member of `portal.core.errors.ErrorCode` (issue 9): the classes
declare their code from it, raise sites pass members of it, the API error handler emits nothing
else and the OpenAPI schema lists exactly its members."""

import ast
import importlib
import logging
import pkgutil
from collections import defaultdict
from pathlib import Path

import pytest
from rest_framework import exceptions

from portal.core.api import exception_handler
from portal.core.errors import SHARED_CODES, DomainError, ErrorCode

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "applications", "feedback", "procedures")
# Settings are imported by Django already (production needs its environment); migrations and
# the WSGI entry point declare no error.
SKIPPED = ("portal.settings", "portal.wsgi", ".migrations")


def _import_everything():
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if module.name.startswith(SKIPPED[:2]) or SKIPPED[2] in module.name:
                continue
            importlib.import_module(module.name)


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


@pytest.fixture(scope="module")
def error_classes():
    _import_everything()
    found = sorted(set(_all_subclasses(DomainError)), key=lambda c: c.__qualname__)
    return [DomainError, *(c for c in found if c.__module__.split(".")[0] in PACKAGES)]


def test_the_import_walk_finds_the_error_classes_of_every_domain(error_classes):
    modules = {cls.__module__.split(".")[0] for cls in error_classes}
    assert modules == set(PACKAGES)


def test_every_domain_error_declares_its_code_from_the_enum(error_classes):
    strays = [
        f"{cls.__module__}.{cls.__qualname__}: {cls.__dict__['code']!r}"
        for cls in error_classes
        if "code" in cls.__dict__ and not isinstance(cls.__dict__["code"], ErrorCode)
    ]
    assert strays == []


def test_a_code_is_declared_by_one_class_unless_it_is_shared_on_purpose(error_classes):
    owners = defaultdict(list)
    for cls in error_classes:
        if "code" in cls.__dict__:
            owners[cls.__dict__["code"]].append(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {code: names for code, names in owners.items() if len(names) > 1}
    assert set(clashes) <= SHARED_CODES, clashes
    # The shared list shrinks with the code: a code no longer shared leaves it.
    assert set(clashes) == SHARED_CODES


def _raise_site_codes():
    """`raise SomeError(..., code="literal")` anywhere in the portal's packages."""
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
                    continue
                func = node.exc.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                for keyword in node.exc.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        yield name, keyword.value.value, f"{path.relative_to(ROOT)}:{node.lineno}"


def test_every_code_passed_at_a_raise_site_is_in_the_enum(error_classes):
    domain_names = {cls.__name__ for cls in error_classes}
    sites = [(name, code, where) for name, code, where in _raise_site_codes()]
    assert any(name in domain_names for name, _, _ in sites), "the scan found no raise site"
    strays = [
        f"{where}: {name}(code={code!r})"
        for name, code, where in sites
        if name in domain_names and code not in set(ErrorCode)
    ]
    assert strays == []


def test_every_code_of_drfs_exceptions_is_in_the_enum():
    drf = [
        cls
        for cls in vars(exceptions).values()
        if isinstance(cls, type) and issubclass(cls, exceptions.APIException)
    ]
    assert {cls.default_code for cls in drf} <= set(ErrorCode)


@pytest.mark.parametrize(
    "exc",
    [
        exceptions.MethodNotAllowed("DELETE"),
        exceptions.UnsupportedMediaType("text/csv"),
        exceptions.Throttled(wait=3),
        exceptions.ParseError(),
        exceptions.NotAuthenticated(),
        exceptions.ValidationError({"name": ["Required."]}),
    ],
)
def test_the_handler_answers_drfs_errors_with_members_of_the_enum(exc):
    response = exception_handler(exc, {})
    assert response is not None
    assert isinstance(response.data["code"], ErrorCode)
    assert response.data["code"] == (
        ErrorCode.INVALID if isinstance(exc, exceptions.ValidationError) else exc.default_code
    )


def test_a_code_outside_the_enum_is_logged_and_never_sent(caplog):
    with caplog.at_level(logging.ERROR, logger="portal.core.api"):
        response = exception_handler(DomainError("Nope.", code="made_up"), {})
    assert response.status_code == 400
    assert response.data["code"] == ErrorCode.INVALID
    assert "made_up" in caplog.text

    with caplog.at_level(logging.ERROR, logger="portal.core.api"):
        response = exception_handler(exceptions.NotFound(code="made_up_too"), {})
    assert response.status_code == 404
    assert response.data["code"] == ErrorCode.ERROR


def test_a_domain_error_keeps_its_own_code_status_and_extra():
    from applications.errors import InvalidTransition

    response = exception_handler(InvalidTransition("No.", extra={"state": "received"}), {})
    assert response.status_code == 409
    assert response.data == {
        "code": ErrorCode.INVALID_TRANSITION,
        "detail": "No.",
        "state": "received",
    }


def test_the_schema_lists_exactly_the_enums_codes():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    code = schema["components"]["schemas"]["ErrorOutput"]["properties"]["code"]
    assert code["enum"] == [member.value for member in ErrorCode]
    assert len(set(code["enum"])) == len(ErrorCode)


def test_a_class_declaring_a_code_outside_the_enum_fails_at_import():
    with pytest.raises(ValueError, match="not_a_code"):

        class Typo(DomainError):
            code = "not_a_code"

    class Spelled(DomainError):
        code = "conflict"

    assert Spelled.code is ErrorCode.CONFLICT
