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
