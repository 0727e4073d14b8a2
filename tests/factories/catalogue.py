"""Units, procedures and people: plain rows (see the package's docstring)."""

from datetime import time
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from portal.accounts.models import Role, StaffRole, User
from procedures.models import Field, Procedure, ProcedureVersion, RequiredDocument, Unit
from procedures.models.units import UnitKind
from procedures.text import fold
from procedures.workingtime import ProcessingUnit

PASSWORD = "demo12345"  # the demo accounts' published password

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
