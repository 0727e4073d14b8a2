"""Factories for the rows a test needs, one trait per state (after Open Zaak's
`zaken/tests/factories.py`).

Units, procedures and people are plain rows. Dossiers and reports are never written field by
field: the factory creates them through the real services (`dossier_create`, `dossier_receive`,
`report_create`, ...) and walks them to the state a trait names, so every code comes from the
real counter (`<unit>-<yymmdd>-<nnnn>`), every due moment from the real calendar, every history
row and clock stop as the services write them. A factory cannot build a dossier the services
could not have produced.

    dossier = DossierFactory(in_review=True)                    # received and handed on
    dossier = DossierFactory(awaiting_supplement=True, at=...)  # walked at a frozen moment
    report = ReportFactory(assigned=True)

`at` freezes the clock for the whole walk (every step at the same moment); a test that needs
steps at different moments calls the services itself. The dossier's unit gets its own clerk,
specialist and leader (`staff(unit, role)`), so a test reads who acted from the factory.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from freezegun import freeze_time

from applications import payments, tasks
from applications import services as dossiers
from applications.models import Dossier
from feedback import services as reports
from feedback.models import Report
from portal.models import Role, StaffRole, User
from procedures.models import Field, Procedure, ProcedureVersion, RequiredDocument, Unit
from procedures.models.units import UnitKind
from procedures.text import fold
from procedures.workingtime import ProcessingUnit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"
PASSWORD = "demo12345"  # the demo accounts' published password


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Units and procedures --------------------------------------------------------------------


class UnitFactory(DjangoModelFactory):
    """A ward with the default one-stop hours, 07:00-11:30 and 13:30-17:00."""

    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    # Five digits like a GSO code, in a range Huế's real codes (19xxx-20xxx) never use.
    code = factory.Sequence(lambda n: f"8{n:04d}")
    name_vi = factory.LazyAttribute(lambda o: f"Phường Thử {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Test ward {o.code}")
    kind = UnitKind.WARD
    morning_start = time(7, 0)
    morning_end = time(11, 30)
    afternoon_start = time(13, 30)
    afternoon_end = time(17, 0)


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"thu-nghiem-{n}")
    name_vi = factory.LazyAttribute(lambda o: f"Lĩnh vực {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Field {o.code}")


class ProcedureVersionFactory(DjangoModelFactory):
    """A version of 5 working days (resume policy) with two required documents and one optional.

    Traits: `same_day` (cut-off 15:00, Decree 23/2015 art. 7), `working_hours` (8 hours),
    `untimed` (no published time: the desk sets the appointment), `restart` (clock policy)."""

    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = None  # set by ProcedureFactory
    number = 1
    name_vi = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    name_en = factory.Sequence(lambda n: f"Test procedure {n}")
    processing_unit = ProcessingUnit.WORKING_DAYS
    processing_amount = Decimal(5)
    cutoff = None
    fee_vnd = 50_000
    online_level = "full"
    authority_vi = "Chủ tịch UBND cấp xã"
    content_hash = factory.Sequence(lambda n: f"factory-{n}")
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.name_vi} {o.name_en}"))
    name_folded = factory.LazyAttribute(lambda o: fold(o.name_vi))
    name_en_folded = factory.LazyAttribute(lambda o: fold(o.name_en))

    class Params:
        same_day = factory.Trait(
            processing_unit=ProcessingUnit.SAME_DAY, processing_amount=Decimal(1), cutoff=time(15)
        )
        working_hours = factory.Trait(
            processing_unit=ProcessingUnit.WORKING_HOURS, processing_amount=Decimal(8)
        )
        untimed = factory.Trait(processing_unit="", processing_amount=None)
        restart = factory.Trait(clock_policy="restart")

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        if not create:
            return
        specs = extracted or [
            ("Tờ khai theo mẫu", RequiredDocument.Kind.FORM, True),
            ("Căn cước công dân", RequiredDocument.Kind.COPY, True),
            ("Giấy ủy quyền (nếu nộp thay)", RequiredDocument.Kind.ORIGINAL, False),
        ]
        for position, (name, kind, required) in enumerate(specs, start=1):
            RequiredDocument.objects.create(
                version=self, position=position, name_vi=name, kind=kind, required=required
            )


class ProcedureFactory(DjangoModelFactory):
    """A commune-level procedure with its current version; version fields and traits pass
    through: `ProcedureFactory(version__same_day=True)`, `ProcedureFactory(version__fee_vnd=0)`."""

    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    field = factory.SubFactory(FieldFactory)
    level = "commune"

    @factory.post_generation
    def version(self, create, extracted, **kwargs):
        if not create:
            return
        self.current_version = extracted or ProcedureVersionFactory(procedure=self, **kwargs)
        self.save(update_fields=["current_version"])


def required_documents(procedure: Procedure) -> list[int]:
    return [d.pk for d in procedure.current_version.documents.all() if d.required]


# --- People ----------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A citizen: no staff role."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"citizen.{n}")
    first_name = "An"
    last_name = "Nguyễn Văn"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    phone = "0905111222"
    password = factory.django.Password(PASSWORD)


class StaffRoleFactory(DjangoModelFactory):
    class Meta:
        model = StaffRole
        django_get_or_create = ("user", "unit", "role")

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.CLERK


class StaffFactory(UserFactory):
    """A member of staff holding `role` in `unit`: `StaffFactory(leader=True, unit=ward)`.
    Officials read the whole province; their role row names a unit all the same."""

    username = factory.LazyAttributeSequence(lambda o, n: f"{o.role}.{o.unit.code}.{n}")
    last_name = factory.LazyAttribute(lambda o: str(o.role).capitalize())
    first_name = factory.LazyAttribute(lambda o: o.unit.code)
    staff_role = factory.RelatedFactory(
        StaffRoleFactory,
        factory_related_name="user",
        role=factory.SelfAttribute("..role"),
        unit=factory.SelfAttribute("..unit"),
    )

    class Params:
        role = Role.CLERK
        unit = factory.SubFactory(UnitFactory)
        clerk = factory.Trait(role=Role.CLERK)
        specialist = factory.Trait(role=Role.SPECIALIST)
        leader = factory.Trait(role=Role.LEADER)
        official = factory.Trait(role=Role.OFFICIAL)


def staff(unit: Unit, role: str = Role.CLERK) -> User:
    """The unit's one member of staff in `role`: created the first time, the same one after."""
    existing = User.objects.filter(staff_roles__unit=unit, staff_roles__role=role).first()
    return existing or StaffFactory(unit=unit, role=role, username=f"{role}.{unit.code}")


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


def _step(dossier: Dossier, step: str) -> Dossier:
    unit = dossier.handling_unit
    clerk, specialist, leader = (staff(unit, r) for r in (Role.CLERK, Role.SPECIALIST, Role.LEADER))
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
        payments.payment_start(dossier=dossier, actor=payer, gateway=payments.SandboxGateway())
        return Dossier.objects.get(pk=dossier.pk)
    if step == "resolve":
        return dossiers.dossier_resolve(dossier=dossier, actor=specialist, result_number="12/QĐ")
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
    applicant = factory.SubFactory(UserFactory)
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
        at = at or datetime.now().astimezone()
        walk = _WALKS[state]
        if state == "overdue":
            with freeze_time(at - OVERDUE_AGO, tick=False):
                dossier = cls._walk(kwargs, kwargs["channel"], walk[:-1])
            with freeze_time(at, tick=False):
                _flag_overdue(dossier, at)
            return Dossier.objects.get(pk=dossier.pk)
        channel = "online" if state in _ONLINE_ONLY else kwargs["channel"]
        with freeze_time(at, tick=False):
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
        clerk = staff(unit, Role.CLERK)
        for role in (Role.SPECIALIST, Role.LEADER):
            staff(unit, role)
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
                actor=citizen,
                files=files,
            )
            if received:
                dossier = dossiers.dossier_receive(dossier=dossier, actor=clerk)
        for step in walk:
            dossier = _step(dossier, step)
        return dossier


def _flag_overdue(dossier: Dossier, now: datetime) -> None:
    """What the overdue sweep does to one dossier (`tasks.sweep_overdue` takes every dossier
    of the database; a factory must touch only its own): the flag, then the system history row
    and the handlers' notices from the sweep's own `_record_flags`."""
    assert dossier.due_at < now, "an overdue dossier is past its due moment"
    flagged = Dossier.objects.filter(
        pk=dossier.pk, state__in=["received", "in_review"], overdue_flagged_at__isnull=True
    ).update(overdue_flagged_at=now)
    if flagged:
        tasks._record_flags([dossier.pk], now)


# --- Neighbourhood reports -------------------------------------------------------------------

_REPORT_WALKS = {
    "new": [],
    "assigned": ["assign"],
    "in_progress": ["assign", "start"],
    "resolved": ["assign", "start", "resolve"],
    "rejected": ["reject"],
    "rated": ["assign", "start", "resolve", "rate"],
}


class ReportFactory(factory.Factory):
    """A neighbourhood report made by `report_create` and walked to its state; `new` by default.

    Traits: new, assigned, in_progress, resolved, rejected, rated (resolved and rated 5 by its
    reporter), emergency (category fire: the 15-minute pick-up target)."""

    class Meta:
        model = Report

    unit = factory.SubFactory(UnitFactory)
    category = "rubbish"
    description = "Rác tồn đọng trước cổng chợ"
    latitude = Decimal("16.458500")
    longitude = Decimal("107.552000")
    address = "Kiệt 65 Kim Long"
    contact = factory.LazyFunction(
        lambda: reports.Contact(name="Nguyễn Văn Tư", phone="0905777888", email="tu@example.vn")
    )
    state = "new"
    at = None

    class Params:
        new = factory.Trait(state="new")
        assigned = factory.Trait(state="assigned")
        in_progress = factory.Trait(state="in_progress")
        resolved = factory.Trait(state="resolved")
        rejected = factory.Trait(state="rejected")
        rated = factory.Trait(state="rated")
        emergency = factory.Trait(category="fire")

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("A report only exists through the services: use create().")

    @classmethod
    def _create(cls, model_class, *, state, at, **kwargs):
        at = at or datetime.now().astimezone()
        with freeze_time(at, tick=False):
            report = reports.report_create(**kwargs)
            leader = staff(report.unit, Role.LEADER)
            specialist = staff(report.unit, Role.SPECIALIST)
            for step in _REPORT_WALKS[state]:
                if step == "assign":
                    report = reports.report_assign(report=report, actor=leader, assignee=specialist)
                elif step == "start":
                    report = reports.report_start(report=report, actor=specialist)
                elif step == "resolve":
                    report = reports.report_resolve(
                        report=report, actor=specialist, answer="Đã thu gom rác"
                    )
                elif step == "reject":
                    report = reports.report_reject(report=report, actor=leader, reason="Trùng lặp")
                elif step == "rate":
                    report = reports.report_rate(report=report, score=5, key=report.rating_key)
        return Report.objects.get(pk=report.pk)
