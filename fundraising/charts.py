"""The dashboard's income chart, drawn on the server as SVG geometry.

``income_chart(series=..., target_pence=..., ...)`` turns the weekly running
totals from ``selectors.appeal_income_series`` into coordinates, axis ticks
and labels for ``templates/fundraising/admin/income_chart.html``: stacked
areas by source (cards, CrowdJustice, other external money), the target (and
stretch target) as lines, and money pledged but not yet paid as a dashed bar
after the last week. Nothing is loaded from another host; the same figures are
in the table beneath the chart for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundraising.money import format_pence

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 16, 44
SOURCES = [  # (key, label, fill): drawn bottom to top
    ("cards", "Card donations", "#5b1f7a"),
    ("crowdjustice", "CrowdJustice", "#b05fc9"),
    ("other", "Other external (cheques, transfers, events)", "#e0b34a"),
]
PLEDGED_COLOUR = "#1d5c2e"


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


def nice_step(top: int, *, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten pence) giving about
    ``ticks`` gridlines up to ``top``."""
    raw = max(top // ticks, 1)
    power = 1
    while power * 10 <= raw:
        power *= 10
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def short_pounds(pence: int) -> str:
    """Axis labels: £0, £500, £12k, £1.5m."""
    pounds = pence / 100
    if pounds >= 1_000_000:
        return f"£{pounds / 1_000_000:g}m"
    if pounds >= 10_000:
        return f"£{pounds / 1000:g}k"
    return format_pence(pence)


def income_chart(
    *,
    series: list[dict],
    target_pence: int,
    stretch_target_pence: int | None = None,
    pledged_pence: int = 0,
) -> dict:
    """Geometry for the template. ``series``: one dict per week, oldest first,
    with ``week`` (a date) and running totals ``cards``, ``crowdjustice``,
    ``other`` in pence."""
    totals = [sum(row[key] for key, _, _ in SOURCES) for row in series]
    last_total = totals[-1] if totals else 0
    top = max(
        [target_pence, stretch_target_pence or 0, last_total + pledged_pence, 100]
    )
    step = nice_step(top)
    top = -(-top // step) * step  # round up to a whole step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(series), 2)

    def x(index: int) -> float:  # the last tenth is room for the pledged bar
        return round(LEFT + index * plot_w * 0.88 / (count - 1), 1)

    def y(pence: int) -> float:
        return round(TOP + plot_h - pence * plot_h / top, 1)

    areas = []
    below = [0] * len(series)
    for key, label, fill in SOURCES:
        above = [b + row[key] for b, row in zip(below, series, strict=True)]
        if any(row[key] for row in series):
            upper = [f"{x(i)},{y(v)}" for i, v in enumerate(above)]
            lower = [f"{x(i)},{y(v)}" for i, v in reversed(list(enumerate(below)))]
            points = " ".join(upper + lower)
            areas.append({"label": label, "fill": fill, "points": points})
        below = above
    lines = [
        {
            "label": f"Target {format_pence(target_pence)}",
            "y": y(target_pence),
            "kind": "target",
        }
    ]
    if stretch_target_pence:
        lines.append(
            {
                "label": f"Stretch {format_pence(stretch_target_pence)}",
                "y": y(stretch_target_pence),
                "kind": "stretch",
            }
        )
    pledged = None
    if pledged_pence and series:
        bar_x = x(len(series) - 1) + 14
        pledged = {
            "x": bar_x,
            "y": y(last_total + pledged_pence),
            "height": round(y(last_total) - y(last_total + pledged_pence), 1),
            "label_x": bar_x + 22,
            "label": f"+{format_pence(pledged_pence)} pledged",
        }
    every = max(1, len(series) // 6)  # about six date labels
    x_ticks = [
        Tick(x(i), f"{row['week']:%-d %b}")
        for i, row in enumerate(series)
        if (len(series) - 1 - i) % every == 0
    ]
    y_ticks = [Tick(y(v), short_pounds(v)) for v in range(0, top + 1, step)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "areas": areas,
        "lines": lines,
        "pledged": pledged,
        "pledged_colour": PLEDGED_COLOUR,
        "x_ticks": x_ticks,
        "y_ticks": y_ticks,
        "legend": [(label, fill) for _, label, fill in SOURCES],
        "total": format_pence(last_total),
        "rows": [
            {
                "week": row["week"],
                **{key: format_pence(row[key]) for key, _, _ in SOURCES},
                "total": format_pence(total),
            }
            for row, total in zip(series, totals, strict=True)
        ],
    }
