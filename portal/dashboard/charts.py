"""Weekly trend charts drawn on the server as SVG (issue 12): no JavaScript, no CDN. Each chart
sits beside the table it is drawn from, which screen readers read (the SVG is `aria-hidden`)."""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 600, 160, 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


def bars(rows: list[dict], key: str, *, ceiling: float | None = None) -> dict:
    """Bars for one series of `rows` (`week`, `key`); rates are drawn against 100."""
    values = [float(row[key]) if row[key] is not None else 0.0 for row in rows]
    top = ceiling or max(values, default=0) or 1
    slot = WIDTH / max(len(rows), 1)
    drawn = []
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        height = HEIGHT * value / top
        drawn.append(
            Bar(
                x=round(index * slot + GAP / 2, 1),
                y=round(HEIGHT - height, 1),
                width=round(max(slot - GAP, 1), 1),
                height=round(height, 1),
                title=f"{row['week']:%d/%m/%Y}: {row[key] if row[key] is not None else '-'}",
            )
        )
    return {"key": key, "bars": drawn, "width": WIDTH, "height": HEIGHT, "top": top}


# The ward comparison (issue 12): one line per ward, its on-time rate against 100 % and its
# overdue count against the largest, ranked best first. Drawn at a fixed width: on a phone it
# scrolls inside its own box rather than shrinking the labels out of reach.
LABEL, RATE_WIDTH, OVERDUE_WIDTH, LINE, PAD, VALUE = 190, 250, 150, 22, 6, 56


def wards(rows: list[dict]) -> dict:
    """Rows of `tables.group_rows` by unit, ranked by on-time rate (none finished: last), then
    fewer overdue, then name. The first line holds the column titles."""
    ranked = sorted(
        rows,
        key=lambda r: (
            r["on_time_rate"] is None,
            -(r["on_time_rate"] or 0),
            r["overdue"],
            r["name"].casefold(),
        ),
    )
    most = max((r["overdue"] for r in ranked), default=0) or 1
    rate_x = LABEL + PAD
    overdue_x = rate_x + RATE_WIDTH + VALUE
    lines = []
    for index, row in enumerate(ranked, 1):
        y = index * LINE
        rate = row["on_time_rate"]
        lines.append(
            {
                **row,
                "rank": index,
                "text_y": y + LINE - PAD - 2,
                "bar_y": y + PAD / 2,
                "rate_width": round(RATE_WIDTH * float(rate or 0) / 100, 1),
                "overdue_width": round(OVERDUE_WIDTH * row["overdue"] / most, 1),
            }
        )
    return {
        "lines": lines,
        "width": overdue_x + OVERDUE_WIDTH + VALUE,
        "height": (len(lines) + 1) * LINE,
        "title_y": LINE - PAD - 2,
        "bar_height": LINE - PAD,
        "rate_x": rate_x,
        "rate_width": RATE_WIDTH,
        "rate_value_x": rate_x + RATE_WIDTH + PAD,
        "overdue_x": overdue_x,
        "overdue_value_x": overdue_x + OVERDUE_WIDTH + PAD,
        "label_x": LABEL,
    }
