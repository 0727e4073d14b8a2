"""Neighbourhood reports made by `report_create` and walked to the state a trait names."""

from contextlib import nullcontext
from decimal import Decimal

import factory
from freezegun import freeze_time

from feedback import services as reports
from feedback.models import Report
from portal.accounts.models import Role
from tests.factories.catalogue import UnitFactory, staff

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
        with freeze_time(at, tick=False) if at is not None else nullcontext():
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
