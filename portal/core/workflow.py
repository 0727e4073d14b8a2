"""The skeleton every state-machine write shares (dossiers, reports): lock, move, save, record.

A service is one transaction that
1. re-reads its row under a lock (`lock`), refusing if the row's version moved on since the
   user saw it (`expected_version`);
2. takes one django-fsm transition (`move`): a step the state machine refuses becomes the
   kernel's `InvalidTransition` (409, `invalid_transition`), never a 500;
3. saves the changed fields with the version bumped (`save_moved`);
4. appends one history row (`record`), with the state before and after;
5. leaves e-mail, SMS and tasks to after the commit (`after_commit`), so a rolled-back write
   tells nobody anything.

The domain keeps what is its own: who may take the step (its `access.may`), the wording of its
errors, its history model and its fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from portal.core.errors import DomainError, InvalidTransition, Stale

M = TypeVar("M", bound=models.Model)
E = TypeVar("E", bound=models.Model)


class Actor(Protocol):
    """Whoever acts: a user (its `display_name` is written into history) or None (the system)."""

    @property
    def display_name(self) -> str: ...


def actor_label(actor: Actor | None) -> str:
    """The name history keeps, even after the account is gone: `system` for the sweeps."""
    return actor.display_name if actor is not None else "system"


def lock(
    queryset: models.QuerySet[M],
    pk: Any,
    *,
    expected_version: int | None = None,
    stale: Callable[[M], DomainError] | None = None,
    version_field: str = "version",
) -> M:
    """The row `pk` of `queryset`, re-read under a row lock held until the transaction ends.

    Only the row itself is locked (`of=("self",)`), not the rows `select_related` joins: two
    rows of one unit are handled side by side. With `expected_version`, a row whose version
    moved on raises `stale(row)` (default: the kernel's `Stale`), as the user acted on what
    they no longer see."""
    row = queryset.select_for_update(of=("self",)).get(pk=pk)
    if expected_version is not None and getattr(row, version_field) != expected_version:
        raise stale(row) if stale is not None else Stale()
    return row


def move(
    instance: models.Model,
    action: str,
    *,
    error: type[InvalidTransition] = InvalidTransition,
    message: str | Promise | None = None,
    state_field: str = "state",
) -> str:
    """Take the django-fsm transition `action` on `instance`; returns the state before.

    A refused step raises `error` (the domain's subclass of `InvalidTransition`) with the state
    in `extra`. `message` may use `%(action)s` and `%(state)s` (the state's label)."""
    before: str = getattr(instance, state_field)
    try:
        getattr(instance, action)()
    except TransitionNotAllowed:
        label = getattr(instance, f"get_{state_field}_display", lambda: before)()
        text = message or _("“%(action)s” is not allowed in the state “%(state)s”.")
        raise error(
            str(text) % {"action": action, "state": label}, extra={"state": before}
        ) from None
    return before


def save_moved(
    instance: models.Model,
    fields: Iterable[str],
    *,
    state_field: str = "state",
    version_field: str = "version",
) -> None:
    """Save `fields`, the state and the bumped version (and `updated_at` if the model has one)."""
    setattr(instance, version_field, getattr(instance, version_field) + 1)
    names = [*fields, state_field, version_field]
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        names.append("updated_at")
    instance.save(update_fields=list(dict.fromkeys(names)))


def record(
    event_model: type[E],
    *,
    subject_field: str,
    subject: models.Model,
    action: str,
    from_state: str,
    actor: Actor | None,
    note: str = "",
    extra: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    state_field: str = "state",
) -> E:
    """Append one history row for `subject` (history is append-only: never updated)."""
    return event_model._default_manager.create(
        **{subject_field: subject},
        action=action,
        from_state=from_state,
        to_state=getattr(subject, state_field),
        actor=actor,
        actor_label=actor_label(actor),
        at=at or timezone.now(),
        note=note,
        extra=dict(extra or {}),
    )


def after_commit(func: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
    """Run `func(*args, **kwargs)` once the current transaction commits (at once outside one);
    never if it rolls back."""
    transaction.on_commit(partial(func, *args, **kwargs))
