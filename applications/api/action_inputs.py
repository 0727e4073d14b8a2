"""What each dossier action takes: one input serializer per action (named in `workflow.ACTIONS`).

A serializer's validated data are the service's keyword arguments (field names, or `source=`,
are the service's parameter names), so running an action needs no per-action code: the API and
the desk both call `applications.api.actions.run_action`, which validates with the action's
input and calls its service. `DossierActionInput` (component `ActionInput`) is the union, the
body of the generic `POST /api/v1/dossiers/{code}/{action}/`.
"""

import copy
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from applications.models import ReturnMethod
from portal.core.api import MomentField
from portal.core.errors import NotFound
from procedures.models import Unit

TEXT = 4000


def _note():
    return serializers.CharField(required=False, allow_blank=True, max_length=TEXT)


def _reason(*, required: bool):
    return serializers.CharField(
        required=required,
        allow_blank=not required,
        max_length=TEXT,
        help_text="The reason, printed on the form and told to the applicant."
        if required
        else "The reason, if any.",
    )


class ActionInputBase(serializers.Serializer):
    expected_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The dossier's `version` the user saw: a 409 `conflict` if it changed since.",
    )

    def service_kwargs(self, files) -> dict:
        """The service's keyword arguments (besides dossier and actor)."""
        return dict(self.validated_data)


class ReasonInputBase(ActionInputBase):
    """An action whose text is a reason. Clients written before the per-action bodies sent it as
    `note`: read as the reason when `reason` is missing or blank."""

    def to_internal_value(self, data):
        if (
            isinstance(data, Mapping)
            and not data.get("reason")
            and isinstance(data.get("note"), str)
        ):
            data = data.copy()
            data["reason"] = data["note"]
        return super().to_internal_value(data)


class ReceiveInput(ActionInputBase):
    note = _note()
    due_at = MomentField(
        required=False,
        help_text="The appointment, for a procedure without a published processing time.",
    )


class RefuseInput(ReasonInputBase):
    reason = _reason(required=True)


class StartReviewInput(ActionInputBase):
    assignee = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="Username of a specialist or leader of the handling unit (default: you).",
    )
    note = _note()

    def service_kwargs(self, files) -> dict:
        kwargs = super().service_kwargs(files)
        username = kwargs.pop("assignee", "")
        if username:
            kwargs["assignee"] = get_user_model().objects.filter(username=username).first()
            if kwargs["assignee"] is None:
                raise NotFound(_("No such user."))
        return kwargs


class RequestSupplementInput(ReasonInputBase):
    reason = _reason(required=True)
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=100,
        help_text="Form 02: ids of the procedure's documents to supply (each printed with its "
        "form of copy and count).",
    )


def document_files(files) -> dict[int, object]:
    """Uploads named `document_<id>` (ids from the procedure's documents)."""
    return {
        int(name[9:]): upload
        for name, upload in files.items()
        if name.startswith("document_") and name[9:].isdigit()
    }


class SupplementInput(ActionInputBase):
    """Multipart: one file per supplied document as `document_<id>`, or a note of what was
    handed in at the desk."""

    note = _note()

    def service_kwargs(self, files) -> dict:
        return {**super().service_kwargs(files), "files": document_files(files)}


class RequestPaymentInput(ActionInputBase):
    amount = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000_000_000,
        help_text="In đồng; default: the procedure's fee.",
    )
    note = _note()


class ConfirmPaymentInput(ActionInputBase):
    note = _note()


class ResolveInput(ActionInputBase):
    result_number = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text="The result document's number."
    )
    result = serializers.FileField(
        source="result_file",
        required=False,
        help_text="The result document (PDF, JPEG or PNG), multipart.",
    )
    note = _note()


class ProposeInput(ActionInputBase):
    """The specialist's proposal: the draft result's number and a note for the leader."""

    result_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text="The proposed result document's number.",
    )
    note = _note()


class SendBackInput(ReasonInputBase):
    reason = _reason(required=True)


class TransferInput(ActionInputBase):
    unit = serializers.CharField(max_length=10, help_text="The competent unit's code.")
    note = _note()

    def service_kwargs(self, files):
        kwargs = super().service_kwargs(files)
        kwargs["unit"] = Unit.objects.filter(code=kwargs["unit"]).first()
        if kwargs["unit"] is None:
            raise NotFound(_("Unknown unit code."))
        return kwargs


class RejectInput(ReasonInputBase):
    reason = _reason(required=True)


class StopInput(ReasonInputBase):
    reason = _reason(required=True)


class ReturnResultInput(ActionInputBase):
    method = serializers.ChoiceField(
        choices=ReturnMethod.choices, required=False, help_text="Default: at the desk."
    )
    note = _note()


class WithdrawInput(ReasonInputBase):
    # Issue 13: a withdrawal says why (kept in the history and shown to desk and applicant).
    reason = _reason(required=True)


class ApologizeInput(ReasonInputBase):
    reason = _reason(required=True)
    new_due_at = MomentField(help_text="The new appointment: after the current one, within a year.")


def union_of(inputs) -> type[serializers.Serializer]:
    """One serializer with every field of `inputs`, none required (the generic operation's body;
    each action then checks its own)."""
    fields: dict[str, serializers.Field] = {}
    for cls in inputs:
        for name, field in cls._declared_fields.items():
            if name in fields:
                continue
            # A copy: a nested field (a list's child) is bound once, to one parent.
            kwargs = {**copy.deepcopy(field._kwargs), "required": False}
            if isinstance(field, serializers.CharField) and not isinstance(
                field, serializers.ChoiceField
            ):
                kwargs["allow_blank"] = True
                # Lengths are held on the text as sent, as the schema states them (DRF trims
                # first, so "  x" padded past max_length would otherwise pass); the action's own
                # input then trims.
                kwargs["trim_whitespace"] = False
            fields[name] = field.__class__(*field._args, **kwargs)
    return type("ActionInput", (serializers.Serializer,), fields)
