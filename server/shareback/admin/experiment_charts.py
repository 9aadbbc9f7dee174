"""Chart geometry for an experiment's page, drawn as inline SVG by the template (as charts.py
does for the overview): each variant's running total per day, and each variant's uplift with
its interval against the control. Pure functions from numbers to coordinates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from shareback.admin.charts import Tick, axis_ticks, nice_ceiling
from shareback.experiments.stats import Comparison
from shareback.storage.experiment_records import ExperimentDay

WIDTH, HEIGHT = 740, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 56, 16, 28
MAX_X_LABELS = 7


@dataclass(frozen=True)
class Line:
    variant: str
    points: str  # "x,y x,y …" for <polyline>
    end_x: float
    end_y: float
    total: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    summary: str


def running_totals(
    days: tuple[ExperimentDay, ...], keys: list[str], first: date, last: date, field: str
) -> tuple[list[date], dict[str, list[int]]]:
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    per_day = {(d.day, d.variant): getattr(d, field) for d in days}
    totals: dict[str, list[int]] = {}
    for key in keys:
        running, series = 0, []
        for day in span:
            running += per_day.get((day, key), 0)
            series.append(running)
        totals[key] = series
    return span, totals


def line_chart(span: list[date], totals: dict[str, list[int]], summary: str) -> LineChart:
    ceiling = nice_ceiling(max((max(s, default=0) for s in totals.values()), default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    step_x = (WIDTH - LEFT - RIGHT) / max(len(span) - 1, 1)

    def xy(index: int, value: int) -> tuple[float, float]:
        return round(LEFT + index * step_x, 2), round(TOP + plot_h - plot_h * value / ceiling, 2)

    lines = []
    for key, series in totals.items():
        coords = [xy(i, v) for i, v in enumerate(series)]
        end_x, end_y = coords[-1] if coords else (LEFT, TOP + plot_h)
        lines.append(
            Line(
                key,
                " ".join(f"{x},{y}" for x, y in coords),
                end_x,
                end_y,
                series[-1] if series else 0,
            )
        )
    every = max(1, math.ceil(len(span) / MAX_X_LABELS))
    x_ticks = [
        Tick(round(LEFT + i * step_x, 2), span[i].strftime("%-d %b"))
        for i in range(0, len(span), every)
    ]
    return LineChart(
        WIDTH, HEIGHT, LEFT, RIGHT, lines, axis_ticks(ceiling, TOP, plot_h), x_ticks, summary
    )


@dataclass(frozen=True)
class Whisker:
    variant: str
    y: float
    x_low: float
    x_high: float
    x_mid: float
    open_low: bool  # the interval runs off the chart
    open_high: bool
    tone: str  # better, worse, unclear


@dataclass(frozen=True)
class IntervalChart:
    width: int
    height: int
    zero_x: float
    whiskers: list[Whisker]
    ticks: list[Tick]
    summary: str


def interval_chart(comparisons: tuple[Comparison, ...], summary: str) -> IntervalChart:
    """Uplift against the control, -100 % to the largest edge worth showing (at most +300 %)."""
    edges = [abs(v) for c in comparisons for v in (c.interval.low, c.interval.high, c.uplift)]
    finite = [e for e in edges if math.isfinite(e)]
    reach = min(3.0, max([0.1, *finite]))
    reach = nice_ceiling(math.ceil(reach * 100)) / 100
    low_end, high_end = -min(reach, 1.0), reach
    width, left, right = WIDTH, 48, 24

    def x(value: float) -> float:
        clamped = min(max(value, low_end), high_end)
        return round(left + (clamped - low_end) / (high_end - low_end) * (width - left - right), 2)

    whiskers = []
    for index, c in enumerate(comparisons):
        tone = "better" if c.better else "worse" if c.worse else "unclear"
        whiskers.append(
            Whisker(
                c.variant,
                30 + index * 36,
                x(c.interval.low),
                x(c.interval.high),
                x(c.uplift),
                not c.interval.low >= low_end,
                not c.interval.high <= high_end,
                tone,
            )
        )
    marks = [low_end, low_end / 2, 0.0, high_end / 2, high_end]
    ticks = [Tick(x(m), f"{m * 100:+.0f} %" if m else "0") for m in marks]
    height = 14 + 36 * max(len(comparisons), 1)
    return IntervalChart(width, height, x(0.0), whiskers, ticks, summary)
