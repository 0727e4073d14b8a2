"""Demo neighbourhood reports and the demo Open311 key (`demo-open311-key`, DESIGN.md).

About 30 reports across wards, categories and states, made through the services (so each has
its code, history and target) and then moved back in time by a few hours or days so the map and
the staff list look like a working week. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pgtrigger
from django.db import transaction
from django.db.models import F

from feedback import services
from feedback.models import Category, Channel, Open311Key, Report, ReportEvent, State
from portal.accounts.models import User
from procedures.models import Unit

DEMO_OPEN311_KEY = "demo-open311-key"
DEMO_PREFIX = "demo-feedback-"

# Approximate centres of some wards, for the demo plot only; each lies, with the demo's spread
# around it, inside its ward's boundary (feedback/data/ward_areas.geojson; the test says so).
PLACES = {
    "19774": (Decimal("16.458500"), Decimal("107.552000")),  # Kim Long
    "19789": (Decimal("16.461000"), Decimal("107.595000")),  # Thuận Hóa
    "19753": (Decimal("16.472000"), Decimal("107.579000")),  # Phú Xuân
    "19777": (Decimal("16.476000"), Decimal("107.609000")),  # Vỹ Dạ
    "19815": (Decimal("16.450000"), Decimal("107.600000")),  # An Cựu
    "19813": (Decimal("16.430000"), Decimal("107.570000")),  # Thủy Xuân
    "19900": (Decimal("16.560000"), Decimal("107.640000")),  # Thuận An
    "19960": (Decimal("16.400000"), Decimal("107.700000")),  # Phú Bài
    "19996": (Decimal("16.388200"), Decimal("107.391100")),  # Hương Trà
    "19819": (Decimal("16.570000"), Decimal("107.350000")),  # Phong Điền
    "20137": (Decimal("16.250000"), Decimal("108.060000")),  # Chân Mây - Lăng Cô
    "20056": (Decimal("16.345900"), Decimal("107.151900")),  # A Lưới 1
}


@dataclass(frozen=True)
class Demo:
    unit: str
    category: str
    description: str
    address: str
    state: str
    days_ago: float
    rating: int | None = None
    contact: tuple[str, str] = ("", "")
    answer: str = ""


R, P, S, FR, RD, FL, OT = (
    Category.RUBBISH,
    Category.PAVEMENT,
    Category.SECURITY,
    Category.FIRE,
    Category.ROADS,
    Category.FLOODING,
    Category.OTHER,
)
NEW, ASG, INP, RES, REJ = (
    State.NEW,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.RESOLVED,
    State.REJECTED,
)

DEMOS = [
    # Kim Long: every state (its staff are the demo accounts).
    Demo("19774", R, "Rác thải tồn đọng ba ngày chưa được thu gom, bốc mùi.",
         "Kiệt 65 Kim Long, gần chợ", RES, 6, 5,
         answer="Đã phối hợp công ty môi trường thu gom trong buổi chiều."),
    Demo("19774", P, "Quán nước lấn chiếm toàn bộ vỉa hè, người đi bộ phải xuống lòng đường.",
         "Đường Kim Long, đoạn trước chùa Thiên Mụ", RES, 5, 4,
         answer="Tổ trật tự đã nhắc nhở, chủ quán cam kết thu dọn."),
    Demo("19774", RD, "Hai bóng đèn đường không sáng, đoạn đường rất tối.",
         "Đường Nguyễn Phúc Nguyên", RES, 4, 3,
         answer="Đã báo điện lực thay bóng đèn."),
    Demo("19774", FL, "Ngập sâu sau mưa, nước tràn vào nhà dân.",
         "Kiệt 12 Phú Mộng", RES, 3,
         answer="Đã khơi thông cống thoát nước."),
    Demo("19774", S, "Nhóm thanh niên tụ tập gây ồn sau 23 giờ.",
         "Bờ sông Hương, bến đò Kim Long", REJ, 3, 2,
         answer="Đã chuyển Công an phường theo dõi; không thuộc thẩm quyền xử lý của bộ phận."),
    Demo("19774", R, "Đổ xà bần trái phép ven đường.", "Đường Văn Thánh", INP, 0.2,
         answer=""),
    Demo("19774", RD, "Ổ gà lớn giữa đường, xe máy dễ té ngã.", "Đường Lý Nam Đế", ASG, 0.1),
    Demo("19774", OT, "Cây xanh nghiêng, có nguy cơ đổ khi có gió lớn.", "Kiệt 100 Kim Long",
         NEW, 0.3, contact=("Trần Văn Bình", "0905333444")),
    Demo("19774", P, "Xe ô tô đỗ trên vỉa hè cả ngày.", "Đường Kim Long, số 150", NEW, 0.01),
    Demo("19774", FL, "Cống bị tắc, nước đọng sau mưa.", "Kiệt 3 Nguyễn Hoàng", REJ, 2,
         answer="Trùng với phản ánh đã được xử lý trước đó."),
    # Thuận Hóa (a clerk only: the clerk picks up and handles).
    Demo("19789", FR, "Khói bốc ra từ ki-ốt trong chợ, nghi cháy.", "Chợ Đông Ba, khu B",
         RES, 2, 5, answer="Đội PCCC cơ sở đã dập tắt; không có thiệt hại về người."),
    Demo("19789", P, "Hàng rong chiếm lối đi vào chợ.", "Đường Trần Hưng Đạo", RES, 1, 4,
         answer="Đã sắp xếp lại khu vực buôn bán."),
    Demo("19789", R, "Thùng rác công cộng bị vỡ, rác tràn ra đường.", "Đường Lê Lợi, gần cầu",
         INP, 0.15),
    Demo("19789", RD, "Vạch sơn qua đường bị mờ, khó nhìn.", "Ngã tư Hùng Vương - Lê Lợi",
         ASG, 0.2),
    Demo("19789", S, "Mất trật tự ở khu vui chơi buổi tối.", "Công viên bờ sông", NEW, 0.05),
    Demo("19789", OT, "Biển báo bị đổ.", "Đường Hà Nội", NEW, 0.4,
         contact=("Lê Thị Hạnh", "0914777888")),
    # Other wards and communes: reports waiting for their staff.
    Demo("19753", R, "Rác sinh hoạt đổ bừa bãi ven hồ.", "Hồ Tịnh Tâm", NEW, 0.02),
    Demo("19753", P, "Bán hàng lấn chiếm vỉa hè trước cổng trường.", "Đường Đinh Tiên Hoàng",
         NEW, 0.5),
    Demo("19777", FL, "Đường ngập khi triều cường.", "Đường Nguyễn Sinh Cung", NEW, 0.03),
    Demo("19777", RD, "Nắp hố ga bị vỡ.", "Đường Vỹ Dạ", NEW, 1.2),
    Demo("19815", R, "Chất thải xây dựng đổ ra lòng đường.", "Đường An Dương Vương", NEW, 0.04),
    Demo("19815", RD, "Đèn tín hiệu giao thông không hoạt động.", "Ngã ba An Cựu", NEW, 0.06),
    Demo("19813", OT, "Mộ phần bị sạt lở sau mưa.", "Khu quy hoạch nghĩa trang Thủy Xuân", NEW,
         0.08),
    Demo("19900", FL, "Sạt lở bờ biển, nguy hiểm cho người đi bộ.", "Bãi tắm Thuận An", NEW,
         0.07),
    Demo("19900", R, "Rác trôi dạt vào bờ biển.", "Bãi biển Thuận An", NEW, 2.5),
    Demo("19960", S, "Đua xe trái phép vào ban đêm.", "Quốc lộ 1A, đoạn qua Phú Bài", NEW, 0.09),
    Demo("19996", RD, "Đường đất lầy lội sau mưa.", "Tổ dân phố 5", NEW, 0.1),
    Demo("19819", FL, "Ngập úng ruộng lúa, cống thoát bị tắc.", "Thôn Phò Trạch", NEW, 0.12),
    Demo("20137", R, "Rác thải nhựa trên bãi biển.", "Bãi biển Lăng Cô", NEW, 0.11),
    Demo("20056", RD, "Cầu tràn hư hỏng sau lũ.", "Thôn A Ngo", NEW, 0.13),
]  # fmt: skip


def _staff(unit_code: str) -> dict[str, User | None]:
    roles = {"clerk": None, "specialist": None, "leader": None}
    for role in ("clerk", "specialist", "leader"):
        roles[role] = User.objects.filter(
            staff_roles__unit__code=unit_code, staff_roles__role=role
        ).first()
    return roles


def _place(index: int, unit_code: str):
    centre = PLACES.get(unit_code)
    if centre is None:
        return None, None
    # A small fixed spread around the centre, so points of one ward do not sit on each other.
    step = Decimal("0.0011")
    return centre[0] + step * (index % 5 - 2), centre[1] + step * (index % 7 - 3)


def _advance(report: Report, demo: Demo) -> Report:
    if demo.state == NEW:
        return report
    staff = _staff(demo.unit)
    handler = staff["specialist"] or staff["clerk"]
    boss = staff["leader"] or staff["clerk"]
    if demo.state == REJ:
        return services.report_reject(report=report, actor=boss, reason=demo.answer)
    report = services.report_assign(report=report, actor=boss, assignee=handler)
    if demo.state == ASG:
        return report
    report = services.report_start(report=report, actor=handler)
    if demo.state == INP:
        return report
    return services.report_resolve(report=report, actor=handler, answer=demo.answer)


def _back_in_time(report: Report, days: float) -> None:
    """Demo only: move a report and its history back, as if made `days` ago."""
    delta = timedelta(days=days)
    moved = {f: F(f) - delta for f in ("created_at", "pickup_due_at")}
    for field in ("assigned_at", "resolved_at", "rated_at"):
        if getattr(report, field) is not None:
            moved[field] = F(field) - delta
    Report.objects.filter(pk=report.pk).update(**moved)
    # The one place history is rewritten: demo data, back-dated as it is made. The trigger that
    # keeps the history append-only is lifted for this statement only.
    with pgtrigger.ignore("feedback.ReportEvent:append_only"):
        ReportEvent.objects.filter(report=report).update(at=F("at") - delta)


def seed_feedback() -> str:
    key, _ = Open311Key.objects.get_or_create(
        key=DEMO_OPEN311_KEY, defaults={"name": "Demo Open311 client"}
    )
    if Report.objects.filter(submission_key__startswith=DEMO_PREFIX).exists():
        return "Feedback: demo reports already present (Open311 key demo-open311-key)"
    units = {u.code: u for u in Unit.objects.filter(code__in={d.unit for d in DEMOS})}
    made = 0
    with transaction.atomic():
        for index, demo in enumerate(DEMOS):
            latitude, longitude = _place(index, demo.unit)
            report = services.report_create(
                category=demo.category,
                description=demo.description,
                unit=units[demo.unit],
                latitude=latitude,
                longitude=longitude,
                address=demo.address,
                contact=services.Contact(name=demo.contact[0], phone=demo.contact[1]),
                channel=Channel.OPEN311 if index % 6 == 5 else Channel.WEB,
                open311_key=key if index % 6 == 5 else None,
                submission_key=f"{DEMO_PREFIX}{index:02d}",
            )
            report = _advance(report, demo)
            if demo.rating:
                report = services.report_rate(
                    report=report, score=demo.rating, key=report.rating_key
                )
            _back_in_time(report, demo.days_ago)
            made += 1
    return f"Feedback: {made} demo reports, Open311 key {DEMO_OPEN311_KEY}"
