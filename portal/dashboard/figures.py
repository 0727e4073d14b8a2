"""Every figure of the officials' pages, each defined once (issue 12): its label, the definition
shown beside it, and the one queryset builder that gives both its number and the list of
dossiers (or reports) behind it, so that the two cannot disagree.

A builder takes a `Frame`: the dossiers and reports within the reader's scope and the filters
(unit, field, procedure, channel; `applications.selectors.stats.scoped`,
`feedback.stats.scoped_reports`)
and the period's moments. Figures about open dossiers are judged at the period's end (or now,
while the period runs: `Frame.at`) and include dossiers received before the period.

Kinds: `count` (the builder's rows), `rate` (one count figure of another, in per cent; its list
is the numerator's) and `average` (a mean over the builder's rows; its list is those rows).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import get_language

from applications import timeliness
from applications.models import Channel
from applications.selectors import rollups
from applications.selectors import stats as dossier_stats
from feedback import stats as report_stats
from feedback.models import State as ReportState
from portal.dashboard import rolled, satisfaction_national
from procedures.models import OnlineLevel

DOSSIER, REPORT = "dossier", "report"
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Frame:
    dossiers: QuerySet
    reports: QuerySet | None  # None: a field, procedure or channel is chosen (reports have none)
    start: datetime
    end: datetime
    now: datetime
    # The same dossiers as a slice of the rollup (ADR 0015); None: count rows (a procedure).
    slice: rollups.Slice | None = None

    @property
    def at(self) -> datetime:
        return min(self.end, self.now)


def _no_rows(frame: Frame) -> QuerySet:
    raise ValueError("A rate has no rows of its own: list its numerator's.")


@dataclass(frozen=True)
class Figure:
    key: str
    label_vi: str
    label_en: str
    definition_vi: str
    definition_en: str
    subject: str = DOSSIER
    kind: str = "count"
    build: Callable[[Frame], QuerySet] = _no_rows  # rates: their numerator's rows
    numerator: str = ""  # rate: count figure keys; average: the count of its rows
    denominator: str = ""
    average_of: str = ""  # average: the column averaged over the builder's rows

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi

    @property
    def definition(self) -> str:
        english = (get_language() or "vi").startswith("en")
        return self.definition_en if english else self.definition_vi

    @property
    def list_key(self) -> str:
        """The figure whose rows a link from this one opens."""
        return self.numerator if self.kind == "rate" else self.key


def _received(frame: Frame, *conditions: Q) -> QuerySet:
    return frame.dossiers.filter(
        dossier_stats.between("received_at", frame.start, frame.end), *conditions
    )


def _finished(frame: Frame, *words: str) -> QuerySet:
    found = frame.dossiers.filter(dossier_stats.finished_between(frame.start, frame.at))
    if words:
        found = timeliness.with_timeliness(found, frame.now).filter(timeliness__in=words)
    return found


def _reports(frame: Frame, *conditions: Q) -> QuerySet:
    if frame.reports is None:
        raise ValueError("No report figure applies to a field, procedure or channel.")
    reports = frame.reports.filter(created_at__gte=frame.start, created_at__lt=frame.end)
    days = {"start": frame.start.date(), "end": frame.end.date()}  # Vietnam's dates
    return report_stats.annotated(reports, **days).filter(*conditions)


_ONLINE = Q(channel=Channel.ONLINE)
_FULL = Q(procedure_version__online_level=OnlineLevel.FULL)
_IN_TIME = (timeliness.EARLY, timeliness.ON_TIME)

_FIGURES: tuple[Figure, ...] = (
    # --- Dossiers received in the period ---
    Figure(
        "received", "Tiếp nhận", "Received",
        "Hồ sơ tiếp nhận trong kỳ (ngày tiếp nhận trong kỳ), theo đơn vị giải quyết.",
        "Dossiers received in the period (received date in it), by handling unit.",
        build=lambda f: _received(f),
    ),
    Figure(
        "received_online", "Trực tuyến", "Online",
        "Hồ sơ tiếp nhận trong kỳ được nộp trực tuyến.",
        "Dossiers received in the period that were sent online.",
        build=lambda f: _received(f, _ONLINE),
    ),
    Figure(
        "online_rate", "Tỷ lệ trực tuyến", "Online rate",
        "Trực tuyến ÷ tiếp nhận, phần trăm.", "Online ÷ received, per cent.",
        kind="rate", numerator="received_online", denominator="received",
    ),
    Figure(
        "received_online_full", "Trực tuyến toàn trình", "Online, full process",
        "Nộp trực tuyến, thủ tục cung cấp dịch vụ công trực tuyến toàn trình.",
        "Sent online, for a procedure offered fully online.",
        build=lambda f: _received(f, _ONLINE & _FULL),
    ),
    Figure(
        "received_online_partial", "Trực tuyến một phần", "Online, partial",
        "Nộp trực tuyến, thủ tục trực tuyến một phần.",
        "Sent online, for a procedure offered partly online.",
        build=lambda f: _received(f, _ONLINE & ~_FULL),
    ),
    Figure(
        "received_desk", "Trực tiếp", "At the desk",
        "Tiếp nhận trực tiếp tại bộ phận một cửa.", "Received at the one-stop desk.",
        build=lambda f: _received(f, Q(channel=Channel.DESK)),
    ),
    Figure(
        "received_post", "Bưu chính", "By post",
        "Tiếp nhận qua dịch vụ bưu chính công ích.", "Received by post.",
        build=lambda f: _received(f, Q(channel=Channel.POST)),
    ),
    Figure(
        "carried_over", "Kỳ trước chuyển sang", "Carried over",
        "Tiếp nhận trước kỳ, chưa giải quyết xong lúc kỳ bắt đầu.",
        "Received before the period and still open when it began.",
        build=lambda f: f.dossiers.filter(dossier_stats.open_at(f.start)),
    ),
    # --- Finished in the period (whenever received) ---
    Figure(
        "finished", "Đã giải quyết", "Finished",
        "Có kết quả (giải quyết, từ chối; đã trả sau đó) trong kỳ, kể cả hồ sơ kỳ trước.",
        "Finished (resolved or rejected; returned afterwards) in the period, whenever received.",
        build=lambda f: _finished(f),
    ),
    Figure(
        "finished_early", "Trước hạn", "Early",
        "Đã giải quyết trong kỳ, trước ngày hẹn trả.",
        "Finished in the period before the due day.",
        build=lambda f: _finished(f, timeliness.EARLY),
    ),
    Figure(
        "finished_on_time", "Đúng hạn", "On time",
        "Đã giải quyết trong kỳ, trong ngày hẹn, không sau giờ hẹn.",
        "Finished in the period on the due day, not after the due moment.",
        build=lambda f: _finished(f, timeliness.ON_TIME),
    ),
    Figure(
        "finished_in_time", "Trước và đúng hạn", "Early or on time",
        "Đã giải quyết trong kỳ, trước hoặc đúng hạn.",
        "Finished in the period, early or on time.",
        build=lambda f: _finished(f, *_IN_TIME),
    ),
    Figure(
        "finished_late", "Quá hạn", "Late",
        "Đã giải quyết trong kỳ, sau giờ hẹn trả (thư xin lỗi không đổi hạn).",
        "Finished in the period after the due moment (an apology does not move it).",
        build=lambda f: _finished(f, timeliness.LATE),
    ),
    Figure(
        "on_time_rate", "Tỷ lệ đúng hạn", "On-time rate",
        "(Trước hạn + đúng hạn) ÷ đã giải quyết, phần trăm.",
        "(Early + on time) ÷ finished, per cent.",
        kind="rate", numerator="finished_in_time", denominator="finished",
    ),
    Figure(
        "average_working_hours", "Thời gian giải quyết trung bình", "Average working time",
        "Trung bình số giờ làm việc từ tiếp nhận đến có kết quả (theo lịch làm việc của đơn vị "
        "giải quyết, ghi khi trả kết quả), mọi hồ sơ giải quyết trong kỳ.",
        "Average working hours from reception to result (in the handling unit's working "
        "calendar, recorded as the result is issued), of every dossier finished in the period.",
        kind="average", build=lambda f: _finished(f), average_of="working_seconds",
        numerator="finished",
    ),
    Figure(
        "refused", "Trả lại (từ chối tiếp nhận)", "Returned at reception",
        "Từ chối tiếp nhận trong kỳ (mẫu 03), trả lại người nộp.",
        "Refused at reception in the period (form 03), sent back to the applicant.",
        build=lambda f: f.dossiers.filter(dossier_stats.refused_between(f.start, f.at)),
    ),
    # --- Open at the period's end (or now, while it runs) ---
    Figure(
        "in_progress", "Đang giải quyết (tồn)", "Open (backlog)",
        "Đã tiếp nhận, chưa có kết quả lúc cuối kỳ (hoặc hiện tại), kể cả hồ sơ kỳ trước.",
        "Received and not finished at the period's end (or now), carried-over dossiers included.",
        build=lambda f: f.dossiers.filter(dossier_stats.open_at(f.at)),
    ),
    Figure(
        "on_track", "Trong hạn", "Within time",
        "Đang giải quyết lúc cuối kỳ, chưa quá giờ hẹn.",
        "Open at the period's end, not past the due moment.",
        build=lambda f: f.dossiers.filter(dossier_stats.on_track_at(f.at)),
    ),
    Figure(
        "overdue", "Quá hạn đang giải quyết", "Overdue",
        "Đang giải quyết lúc cuối kỳ, đã quá giờ hẹn (dừng đồng hồ: xét lúc dừng).",
        "Open at the period's end and past the due moment (a stopped clock: when it stopped).",
        build=lambda f: f.dossiers.filter(dossier_stats.overdue_at(f.at)),
    ),
    Figure(
        "waiting_citizen", "Chờ bổ sung, nộp phí", "Waiting for documents or payment",
        "Đang giải quyết lúc cuối kỳ, tạm dừng chờ bổ sung hồ sơ hoặc thực hiện nghĩa vụ "
        "tài chính.",
        "Open at the period's end, the clock stopped for a supplement or a payment.",
        build=lambda f: f.dossiers.filter(dossier_stats.waiting_citizen_at(f.at)),
    ),
    Figure(
        "waiting_desk", "Chờ tiếp nhận", "Waiting for the desk",
        "Nộp trực tuyến, chưa được một cửa tiếp nhận hay từ chối lúc cuối kỳ.",
        "Sent online and not yet received or refused by the desk at the period's end.",
        build=lambda f: f.dossiers.filter(dossier_stats.waiting_desk_at(f.at)),
    ),
    Figure(
        "inherited", "Tồn từ đơn vị cũ", "Inherited backlog",
        "Đang giải quyết lúc cuối kỳ, tiếp nhận từ đơn vị hành chính cũ (sắp xếp 2025).",
        "Open at the period's end, inherited from a former unit (the 2025 merger).",
        build=lambda f: f.dossiers.filter(dossier_stats.open_at(f.at), is_transferred=True),
    ),
    # --- Satisfaction with dossiers ---
    Figure(
        "rated", "Được đánh giá", "Rated",
        "Hồ sơ giải quyết trong kỳ được người nộp đánh giá (1-5).",
        "Dossiers finished in the period that their applicant rated (1-5).",
        build=lambda f: _finished(f).filter(rating__isnull=False),
    ),
    Figure(
        "rating_average", "Điểm hài lòng trung bình", "Average rating",
        "Trung bình điểm chung (1-5) của các hồ sơ được đánh giá.",
        "Average overall score (1-5) of the rated dossiers.",
        kind="average", build=lambda f: _finished(f).filter(rating__isnull=False),
        average_of="rating__overall", numerator="rated",
    ),
    # --- Neighbourhood reports ---
    Figure(
        "reports_received", "Phản ánh tiếp nhận", "Reports received",
        "Phản ánh hiện trường gửi trong kỳ, theo phường được giao.",
        "Neighbourhood reports made in the period, by the ward they were sent to.",
        subject=REPORT, build=lambda f: _reports(f),
    ),
    Figure(
        "reports_picked_up_on_time", "Phản ánh xử lý kịp thời", "Reports picked up in time",
        "Được nhận xử lý (giao việc hoặc đóng) trong thời hạn: 2 giờ làm việc, khẩn cấp 15 phút.",
        "Picked up (assigned or closed) within the target: 2 working hours, 15 minutes for an "
        "emergency.",
        subject=REPORT, build=lambda f: _reports(f, report_stats.PICKED_UP_ON_TIME),
    ),
    Figure(
        "reports_resolved", "Phản ánh đã giải quyết", "Reports resolved",
        "Phản ánh gửi trong kỳ đã được giải quyết.", "Reports made in the period and resolved.",
        subject=REPORT, build=lambda f: _reports(f, Q(state=ReportState.RESOLVED)),
    ),
    Figure(
        "reports_resolved_same_day", "Giải quyết trong ngày", "Resolved the same day",
        "Giải quyết không muộn hơn ngày làm việc nhận phản ánh.",
        "Resolved no later than the working day it was made on.",
        subject=REPORT,
        build=lambda f: _reports(
            f, Q(state=ReportState.RESOLVED) & report_stats.RESOLVED_SAME_DAY
        ),
    ),
    Figure(
        "reports_same_day_rate", "Tỷ lệ giải quyết trong ngày", "Same-day rate",
        "Giải quyết trong ngày ÷ đã giải quyết, phần trăm.",
        "Resolved the same day ÷ resolved, per cent.",
        subject=REPORT, kind="rate",
        numerator="reports_resolved_same_day", denominator="reports_resolved",
    ),
    Figure(
        "reports_rated", "Phản ánh được đánh giá", "Reports rated",
        "Phản ánh gửi trong kỳ được người phản ánh chấm điểm câu trả lời.",
        "Reports made in the period whose reporter rated the answer.",
        subject=REPORT, build=lambda f: _reports(f, Q(rating__isnull=False)),
    ),
    Figure(
        "reports_rating_average", "Hài lòng với phản ánh", "Reports' average rating",
        "Trung bình điểm (1-5) người phản ánh chấm cho câu trả lời.",
        "Average score (1-5) the reporters gave the answer.",
        subject=REPORT, kind="average",
        build=lambda f: _reports(f, Q(rating__isnull=False)), average_of="rating",
        numerator="reports_rated",
    ),
)  # fmt: skip
# The national satisfaction scheme's figures live in their own module (issue 12).
_FIGURES += tuple(Figure(**figure) for figure in satisfaction_national.FIGURES)

FIGURES: dict[str, Figure] = {figure.key: figure for figure in _FIGURES}
COUNT_KEYS = tuple(key for key, figure in FIGURES.items() if figure.kind != "rate")


def rows(frame: Frame, key: str) -> QuerySet | None:
    """The rows behind a figure (its numerator's for a rate); None when it does not apply."""
    figure = FIGURES[FIGURES[key].list_key]
    if figure.subject == REPORT and frame.reports is None:
        return None
    return figure.build(frame)


def _percent(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _average(frame: Frame, figure: Figure) -> Decimal | None:
    value = figure.build(frame).aggregate(value=Avg(figure.average_of))["value"]
    if value is None:
        return None
    if figure.average_of == "working_seconds":
        value = Decimal(value) / 3600
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def _reports_batch(frame: Frame) -> dict:
    """The report figures in one aggregate over `_reports`' rows, each with its builder's
    condition (one query, not six)."""
    if frame.reports is None:
        return {}
    resolved = Q(state=ReportState.RESOLVED)
    found = _reports(frame).aggregate(
        reports_received=Count("id"),
        reports_picked_up_on_time=Count("id", filter=report_stats.PICKED_UP_ON_TIME),
        reports_resolved=Count("id", filter=resolved),
        reports_resolved_same_day=Count("id", filter=resolved & report_stats.RESOLVED_SAME_DAY),
        reports_rated=Count("id", filter=Q(rating__isnull=False)),
        reports_rating_average=Avg("rating"),
    )
    if (average := found["reports_rating_average"]) is not None:
        found["reports_rating_average"] = Decimal(average).quantize(TWO, rounding=ROUND_HALF_UP)
    return found


# Figures counted together, one aggregate per family.
_NATIONAL = frozenset(satisfaction_national.COUNT_KEYS) | {satisfaction_national.AVERAGE}
_REPORTS = frozenset(k for k, f in FIGURES.items() if f.subject == REPORT and f.kind != "rate")
_BATCHES = ((_NATIONAL, satisfaction_national.values_of), (_REPORTS, _reports_batch))


def compute(frame: Frame, keys=None) -> dict[str, int | Decimal | None]:
    """Each figure's value: counts from their builders, rates from those counts, averages over
    their builders' rows. None where a figure does not apply or has no denominator."""
    values: dict[str, int | Decimal | None] = {}
    wanted = set(keys or FIGURES)
    if rolled.applies(frame):
        values = {k: v for k, v in rolled.counts(frame)[None].items() if k in wanted}
    for family, batch in _BATCHES:
        if len(family & wanted) > 1:
            values.update({k: v for k, v in batch(frame).items() if k in wanted})
    for key in keys or FIGURES:
        figure = FIGURES[key]
        if key in values:
            continue
        if figure.subject == REPORT and frame.reports is None:
            values[key] = None
        elif figure.kind == "count":
            values[key] = figure.build(frame).count()
    for key in keys or FIGURES:
        figure = FIGURES[key]
        if key in values:
            continue
        if figure.kind == "rate":
            for part in (figure.numerator, figure.denominator):
                if part not in values:
                    values[part] = compute(frame, [part])[part]
            values[key] = _percent(values[figure.numerator], values[figure.denominator])
        else:
            values[key] = _average(frame, figure)
    return values
