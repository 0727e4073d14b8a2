"""Satisfaction on the national scheme (LEGAL.md "Satisfaction"; issue 12, item 1; DESIGN.md
`satisfaction_national` of `GET /api/v1/stats/`): nine criteria scored 0, 1 or 2, a total out of
18, five bands (`applications.models.satisfaction`). The ward's own 1-5 quick rating stays beside
it (`rated`, `rating_average` of `figures`).

The cohort is the one of the quick rating's figures: the dossiers finished in the period
(whenever received) that their applicant rated on the national scheme; each figure is registered
in `figures.FIGURES`, so its number and the list its link opens come from one builder. Nobody
rated: the average and the shares are unknown (None), never 0.

Decision 766/QĐ-TTg's "satisfaction with dossiers" sub-indicator is defined by LEGAL.md from the
overdue and complaint shares, not from these ratings (`index766`, `satisfaction_score`); a poor
national rating opens a complaint (`applications.services.ratings_national`), which is how these
ratings reach it. Nothing here scores the index.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from applications.models.satisfaction import MAXIMUM, Band, band_of
from applications.selectors import stats as dossier_stats

BANDS = tuple(Band.values)  # excellent, good, fair, average, poor
RATED, AVERAGE = "national_rated", "national_score_average"
# The figures' Vietnamese and English labels, per band (the words of `Band` in the .po).
_BAND_LABELS = {
    "excellent": ("Rất hài lòng (16-18 điểm)", "Excellent (16-18 points)"),
    "good": ("Hài lòng (12-15 điểm)", "Good (12-15 points)"),
    "fair": ("Tạm hài lòng (9-11 điểm)", "Fair (9-11 points)"),
    "average": ("Trung bình (6-8 điểm)", "Average (6-8 points)"),
    "poor": ("Kém (dưới 6 điểm)", "Poor (under 6 points)"),
}


def count_key(band: str) -> str:
    return f"national_band_{band}"


def rate_key(band: str) -> str:
    return f"national_band_{band}_rate"


def rated(frame) -> QuerySet:
    """Finished in the period (as `figures._finished`) and rated on the national scheme."""
    finished = dossier_stats.finished_between(frame.start, frame.at)
    return frame.dossiers.filter(finished, national_rating__isnull=False)


def _in_band(band: str):
    return lambda frame: rated(frame).filter(national_rating__band=band)


def _figures() -> list[dict]:
    """The figures as keyword arguments of `figures.Figure` (which imports this module)."""
    found = [
        {
            "key": RATED,
            "label_vi": "Đánh giá theo Bộ chỉ số quốc gia",
            "label_en": "Rated on the national scheme",
            "definition_vi": "Hồ sơ giải quyết trong kỳ được người nộp đánh giá theo 9 tiêu chí "
            "của Bộ chỉ số quốc gia (mỗi tiêu chí 0, 1 hoặc 2 điểm).",
            "definition_en": "Dossiers finished in the period that their applicant rated on the "
            "national scheme's nine criteria (0, 1 or 2 points each).",
            "build": rated,
        },
        {
            "key": AVERAGE,
            "label_vi": "Điểm hài lòng trung bình (thang 18)",
            "label_en": "Average national score (of 18)",
            "definition_vi": "Trung bình tổng điểm (0-18) của các hồ sơ được đánh giá theo Bộ "
            "chỉ số quốc gia; không có đánh giá: chưa xác định.",
            "definition_en": "Average total (0-18) of the dossiers rated on the national scheme; "
            "none rated: unknown.",
            "kind": "average",
            "build": rated,
            "average_of": "national_rating__score",
            "numerator": RATED,
        },
    ]
    for band in BANDS:
        label_vi, label_en = _BAND_LABELS[band]
        found.append(
            {
                "key": count_key(band),
                "label_vi": label_vi,
                "label_en": label_en,
                "definition_vi": f"Hồ sơ được đánh giá theo Bộ chỉ số quốc gia, mức “{label_vi}”.",
                "definition_en": f"Dossiers rated on the national scheme, band “{label_en}”.",
                "build": _in_band(band),
            }
        )
        found.append(
            {
                "key": rate_key(band),
                "label_vi": f"Tỷ lệ {label_vi[0].lower()}{label_vi[1:]}",
                "label_en": f"Share {label_en[0].lower()}{label_en[1:]}",
                "definition_vi": f"{label_vi} ÷ được đánh giá theo Bộ chỉ số quốc gia, phần trăm.",
                "definition_en": f"{label_en} ÷ rated on the national scheme, per cent.",
                "kind": "rate",
                "numerator": count_key(band),
                "denominator": RATED,
            }
        )
    return found


FIGURES = _figures()
KEYS = tuple(figure["key"] for figure in FIGURES)
COUNT_KEYS = (RATED, *(count_key(band) for band in BANDS))


def band_of_average(average: Decimal | None) -> str | None:
    """The band of the mean total, rounded half up to a whole point (as
    `ratings_national.satisfaction_national`)."""
    if average is None:
        return None
    return str(band_of(int(Decimal(average).quantize(Decimal("1"), ROUND_HALF_UP))))


def summary(values: dict) -> dict:
    """DESIGN.md `satisfaction_national` from the computed figures: `rated`, `average` (of 18),
    `band` (of the average), `maximum` (18) and `bands` (share of the rated in each band, per
    cent). Unknown (None) when nobody rated."""
    return {
        "rated": values[RATED],
        "average": values[AVERAGE],
        "band": band_of_average(values[AVERAGE]),
        "maximum": MAXIMUM,
        "bands": {band: values[rate_key(band)] for band in BANDS},
    }


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_AGGREGATES = {
    "n": Count("id"),
    "total": Sum("national_rating__score"),
    **{band: Count("id", filter=Q(national_rating__band=band)) for band in BANDS},
}


def _summary(row: dict) -> dict:
    if not row["n"]:
        return empty()
    average = (Decimal(row["total"]) / row["n"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {
        "rated": row["n"],
        "average": average,
        "band": band_of_average(average),
        "maximum": MAXIMUM,
        "bands": {band: _percent(row[band], row["n"]) for band in BANDS},
    }


def summary_of(frame) -> dict:
    """`summary` in one aggregate query over the same rows as the figures (the stats API)."""
    return _summary(rated(frame).aggregate(**_AGGREGATES))


def values_of(frame) -> dict:
    """The count figures and the average in one aggregate (`figures.compute`): the same rows
    and the same rounding as each figure's own builder."""
    row = rated(frame).aggregate(**_AGGREGATES)
    found = {RATED: row["n"], **{count_key(band): row[band] for band in BANDS}}
    found[AVERAGE] = None
    if row["n"]:
        found[AVERAGE] = (Decimal(row["total"]) / row["n"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return found


def summary_by(frame, column: str) -> dict[str, dict]:
    """`summary` per value of `column` (a unit's, field's or procedure's code): one grouped
    query over the same rows as the figures. A group nobody rated is absent (see `empty`)."""
    found = rated(frame).values(column).annotate(**_AGGREGATES).order_by()
    return {row[column]: _summary(row) for row in found}


def empty() -> dict:
    return {
        "rated": 0,
        "average": None,
        "band": None,
        "maximum": MAXIMUM,
        "bands": dict.fromkeys(BANDS),
    }
