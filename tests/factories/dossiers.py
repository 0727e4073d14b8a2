"""Dossiers walked through the real services to the state a trait names."""

from contextlib import nullcontext
from datetime import datetime, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from applications import services as dossiers
from applications import tasks
from applications.models import Dossier
from applications.services import gateway as payment_gateway
from applications.services import payments
from portal.accounts.models import Role
from tests.factories.catalogue import (
    ProcedureFactory,
    UnitFactory,
    UserFactory,
    required_documents,
    staff,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Dossiers --------------------------------------------------------------------------------

# The services each state is reached by, from a dossier received at the desk (or, for the
# states that only an online dossier has, sent online by a citizen).
_WALKS = {
    "submitted": [],
    "refused": ["refuse"],
    "withdrawn": ["withdraw"],
    "received": [],
    "in_review": ["start_review"],
    "awaiting_supplement": ["start_review", "request_supplement"],
    "awaiting_payment": ["start_review", "request_payment", "payment_start"],
    "resolved": ["start_review", "resolve"],
    "rejected": ["start_review", "reject"],
    "stopped": ["start_review", "stop"],
    "returned": ["start_review", "resolve", "return_result"],
    "overdue": ["start_review", "flag_overdue"],
}
_ONLINE_ONLY = {"submitted", "refused", "withdrawn"}
# An overdue dossier was received this long before the factory's `at`: well past any due moment
# of a factory procedure (5 working days by default).
OVERDUE_AGO = timedelta(days=30)


def _frozen(at: datetime | None):
    """Freeze the clock at `at`; without one, the walk runs at the (test's) current time.
    Freezing is not free (freezegun patches every loaded module), so it is done only when asked."""
    return freeze_time(at, tick=False) if at is not None else nullcontext()


def _step(dossier: Dossier, step: str, people: dict) -> Dossier:
    clerk, specialist, leader = (people[r] for r in (Role.CLERK, Role.SPECIALIST, Role.LEADER))
    if step == "refuse":
        return dossiers.dossier_refuse(
            dossier=dossier, actor=clerk, reason="Không thuộc thẩm quyền"
        )
    if step == "withdraw":
        return dossiers.dossier_withdraw(
            dossier=dossier, actor=dossier.applicant_user, reason="Không còn nhu cầu"
        )
    if step == "start_review":
        return dossiers.dossier_start_review(dossier=dossier, actor=clerk, assignee=specialist)
    if step == "request_supplement":
        return dossiers.dossier_request_supplement(
            dossier=dossier, actor=specialist, reason="Thiếu bản sao căn cước"
        )
    if step == "request_payment":
        return dossiers.dossier_request_payment(dossier=dossier, actor=specialist, note="Lệ phí")
    if step == "payment_start":
        payer = dossier.applicant_user or clerk
        payments.payment_start(
            dossier=dossier, actor=payer, gateway=payment_gateway.SandboxGateway()
        )
        return Dossier.objects.get(pk=dossier.pk)
    if step == "resolve":
        return dossiers.dossier_resolve(dossier=dossier, actor=leader, result_number="12/QĐ")
    if step == "reject":
        return dossiers.dossier_reject(
            dossier=dossier, actor=specialist, reason="Không đủ điều kiện"
        )
    if step == "stop":
        return dossiers.dossier_stop(dossier=dossier, actor=leader, reason="Người nộp đã mất")
    if step == "return_result":
        return dossiers.dossier_return_result(dossier=dossier, actor=clerk)
    raise ValueError(step)


class DossierFactory(factory.Factory):
    """A dossier walked through the services to its state; `received` by default.

    Traits: submitted, received, in_review, awaiting_supplement (its open clock stop),
    awaiting_payment (its pending sandbox Payment), resolved, rejected, stopped, returned,
    withdrawn, refused, overdue (received OVERDUE_AGO before `at`, past due and flagged by the
    overdue sweep's own code, with its system history row and notices).

    `at` (default: now) is the moment of the last step; `channel` is "desk" (a clerk receives
    it at once) or "online" (a citizen sends it with its required files, a clerk receives it).
    Submitted, refused and withdrawn dossiers are always online ones."""

    class Meta:
        model = Dossier

    procedure = factory.SubFactory(ProcedureFactory)
    unit = factory.SubFactory(UnitFactory)
    applicant = None  # the citizen of an online dossier; a new one when not given
    applicant_name = "Nguyễn Văn An"
    applicant_id_number = "046090001234"
    applicant_phone = "0905111222"
    applicant_email = ""
    channel = "desk"
    state = "received"
    at = None

    class Params:
        submitted = factory.Trait(state="submitted")
        received = factory.Trait(state="received")
        in_review = factory.Trait(state="in_review")
        awaiting_supplement = factory.Trait(state="awaiting_supplement")
        awaiting_payment = factory.Trait(state="awaiting_payment")
        resolved = factory.Trait(state="resolved")
        rejected = factory.Trait(state="rejected")
        stopped = factory.Trait(state="stopped")
        returned = factory.Trait(state="returned")
        withdrawn = factory.Trait(state="withdrawn")
        refused = factory.Trait(state="refused")
        overdue = factory.Trait(state="overdue")

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("A dossier only exists through the services: use create().")

    @classmethod
    def _create(cls, model_class, *, state, at, **kwargs):
        walk = _WALKS[state]
        if state == "overdue":
            now = at or timezone.now()
            with freeze_time(now - OVERDUE_AGO, tick=False):
                dossier = cls._walk(kwargs, kwargs["channel"], walk[:-1])
            with _frozen(at):
                _flag_overdue(dossier, now)
            return Dossier.objects.get(pk=dossier.pk)
        channel = "online" if state in _ONLINE_ONLY else kwargs["channel"]
        with _frozen(at):
            dossier = cls._walk(kwargs, channel, walk, received=state not in _ONLINE_ONLY)
        return Dossier.objects.get(pk=dossier.pk)

    @classmethod
    def _walk(cls, kwargs, channel, walk, received=True):
        procedure, unit, citizen = kwargs["procedure"], kwargs["unit"], kwargs["applicant"]
        applicant = dossiers.Applicant(
            name=kwargs["applicant_name"],
            id_number=kwargs["applicant_id_number"],
            phone=kwargs["applicant_phone"],
            email=kwargs["applicant_email"],
        )
        people = {role: staff(unit, role) for role in (Role.CLERK, Role.SPECIALIST, Role.LEADER)}
        clerk = people[Role.CLERK]
        if channel == "desk":
            dossier = dossiers.dossier_create(
                procedure=procedure,
                unit=unit,
                applicant=applicant,
                channel="desk",
                actor=clerk,
                checked_documents=required_documents(procedure),
            )
        else:
            files = {doc: pdf(f"doc{doc}.pdf") for doc in required_documents(procedure)}
            dossier = dossiers.dossier_create(
                procedure=procedure,
                unit=unit,
                applicant=applicant,
                channel=channel,
                actor=citizen or UserFactory(),
                files=files,
            )
            if received:
                dossier = dossiers.dossier_receive(dossier=dossier, actor=clerk)
        for step in walk:
            dossier = _step(dossier, step, people)
        return dossier


def _flag_overdue(dossier: Dossier, now: datetime) -> None:
    """What the overdue sweep does to one dossier (`tasks.sweep_overdue` takes every dossier
    of the database; a factory must touch only its own): the flag, then the system history row
    and the handlers' notices, by the sweep's own statement (`tasks.sweeps.flag_these`)."""
    assert dossier.due_at < now, "an overdue dossier is past its due moment"
    tasks.sweeps.flag_these([dossier.pk], now)
