"""Chart geometry for the overview, drawn as inline SVG by the templates: no charting library,
no JavaScript. Pure functions from counts to coordinates."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from shareback import formats, i18n, kpis
from shareback.admin.formatting import channel, day, number, tenths
from shareback.admin.ranges import DateRange
from shareback.i18n import N_, ngettext, pgettext
from shareback.i18n import gettext as _
from shareback.kpis import DayCounts

WIDTH = 740
FUNNEL_WIDTH = 360
LEFT, RIGHT = 48, 8
WEEKLY_AFTER_DAYS = 92
MAX_X_LABELS = 7


@dataclass(frozen=True)
class Bucket:
    first: date
    last: date
    clicks: int
    conversions: int

    @property
    def label(self) -> str:
        text = formats.month_day(self.first, i18n.current_locale())
        return text if self.first == self.last else _("week of %(day)s") % {"day": text}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Panel:
    title: str
    css: str
    top: float
    height: float
    bars: list[Bar]
    ticks: list[Tick]
    total: int


@dataclass(frozen=True)
class TimeChart:
    width: int
    height: int
    left: int
    right: int
    panels: list[Panel]
    x_ticks: list[Tick]
    per: str
    buckets: list[Bucket]
    summary: str


def buckets(days: list[DayCounts], span: DateRange) -> list[Bucket]:
    """Every day of the range (the store leaves out empty ones), as weeks when it is long."""
    counted = {d.day: d for d in days}
    daily = [
        Bucket(day, day, counted[day].clicks, counted[day].conversions)
        if day in counted
        else Bucket(day, day, 0, 0)
        for day in span.dates()
    ]
    if span.days <= WEEKLY_AFTER_DAYS:
        return daily
    weeks: dict[date, list[Bucket]] = {}
    for bucket in daily:
        weeks.setdefault(bucket.first - timedelta(days=bucket.first.weekday()), []).append(bucket)
    return [
        Bucket(
            max(monday, span.first),
            group[-1].last,
            sum(b.clicks for b in group),
            sum(b.conversions for b in group),
        )
        for monday, group in weeks.items()
    ]


def nice_ceiling(value: int) -> int:
    """The axis top: 2, 4, 5, 10, 20, 25, 40, 50, 100… at or above the largest value."""
    if value <= 2:
        return 2
    magnitude = int("1" + "0" * (len(str(value)) - 1))
    for step in (10, 20, 25, 40, 50):
        top, rest = divmod(step * magnitude, 10)
        if not rest and top >= value:
            return top
    return 10 * magnitude


def axis_ticks(top: int, y: float, height: float) -> list[Tick]:
    values = [0, top // 2, top] if top % 2 == 0 else [0, top]
    return [Tick(y + height - height * v / top, number(v)) for v in values]


def panel(
    title: str,
    css: str,
    unit: Callable[[int], str],
    values: list[tuple[str, int]],
    top: float,
    height: float,
) -> Panel:
    ceiling = nice_ceiling(max((v for _, v in values), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    width = max(slot * 0.72, 1.0)
    bars = []
    for index, (label, value) in enumerate(values):
        h = height * value / ceiling
        bars.append(
            Bar(
                x=round(LEFT + index * slot + (slot - width) / 2, 2),
                y=round(top + height - h, 2),
                width=round(width, 2),
                height=round(h, 2),
                title=f"{label}: {unit(value)}",
            )
        )
    return Panel(
        title, css, top, height, bars, axis_ticks(ceiling, top, height), sum(v for _, v in values)
    )


def time_chart(days: list[DayCounts], span: DateRange) -> TimeChart:
    """Two panels over one time axis: clicks on top, conversions below, each on its own scale
    (conversions are a few percent of clicks and would be flat on a shared one)."""
    rows = buckets(days, span)
    clicks = panel(_("Clicks"), "clicks", click_count, [(b.label, b.clicks) for b in rows], 34, 120)
    orders = panel(
        _("Orders via friends"),
        "conversions",
        order_count,
        [(b.label, b.conversions) for b in rows],
        198,
        72,
    )
    slot = (WIDTH - LEFT - RIGHT) / max(len(rows), 1)
    step = max(1, math.ceil(len(rows) / MAX_X_LABELS))
    x_ticks = [
        Tick(
            round(LEFT + index * slot + slot / 2, 2),
            formats.month_day(rows[index].first, i18n.current_locale()),
        )
        for index in range(0, len(rows), step)
    ]
    per = _("day") if span.days <= WEEKLY_AFTER_DAYS else _("week")
    best = max(rows, key=lambda b: b.clicks, default=None)
    summary = _("%(clicks)s and %(orders)s from %(first)s to %(last)s, per %(per)s.") % {
        "clicks": click_count(clicks.total),
        "orders": order_count(orders.total),
        "first": day(span.first),
        "last": day(span.last),
        "per": per,
    }
    if best is not None and best.clicks:
        summary += " " + _("Most clicks: %(num)s on %(day)s.") % {
            "num": number(best.clicks),
            "day": best.label,
        }
    return TimeChart(WIDTH, 300, LEFT, RIGHT, [clicks, orders], x_ticks, per, rows, summary)


@dataclass(frozen=True)
class Stage:
    label: str
    value: int
    y: float
    width: float
    rate: str | None


@dataclass(frozen=True)
class Funnel:
    width: int
    height: int
    label_width: int
    bar_room: int
    stages: list[Stage]
    summary: str


# Short, to fit the label column (pgettext "funnel": Dutch has shorter words for a step).
def funnel_label(name: str) -> str:
    # The four literal calls let the catalogue find each label with its context.
    labels = {
        "opens": pgettext("funnel", "Widget opens"),
        "shares": pgettext("funnel", "Shares"),
        "clicks": pgettext("funnel", "Link clicks"),
        "orders": pgettext("funnel", "Orders"),
    }
    return labels.get(name, name)


# The rate under each bar (it has the label column's width), by the step before.
FUNNEL_PERCENT = {
    "opens": N_("%(percent)s of opens"),
    "shares": N_("%(percent)s of shares"),
    "clicks": N_("%(percent)s of clicks"),
    "orders": N_("%(percent)s of orders"),
}
FUNNEL_PER = {
    "opens": N_("%(num)s per open"),
    "shares": N_("%(num)s per share"),
    "clicks": N_("%(num)s per click"),
    "orders": N_("%(num)s per order"),
}


def click_count(value: int) -> str:
    return ngettext("%(num)s click", "%(num)s clicks", value) % {"num": number(value)}


def order_count(value: int) -> str:
    return ngettext("%(num)s order", "%(num)s orders", value) % {"num": number(value)}


def funnel_chart(steps: list[tuple[str, int]]) -> Funnel:
    """One bar per step, scaled to the largest (shares may outnumber opens: one open, many
    networks), with each step as a share of the one before it."""
    label_width, value_room, row = 140, 64, 50
    largest = max((v for _, v in steps), default=0) or 1
    room = FUNNEL_WIDTH - label_width - value_room
    stages = []
    for index, (name, value) in enumerate(steps):
        rate = None
        if index:
            previous_name, previous = steps[index - 1]
            found = kpis.step_ratio(name, value, previous)
            if found is not None and found[0] == "percent":
                shown = formats.percent(found[1], i18n.current_locale(), places=0)
                rate = _(FUNNEL_PERCENT[previous_name]) % {"percent": shown}
            elif found is not None:
                # Not a part of the step before (one share, many clicks): a rate, never "137 %".
                rate = _(FUNNEL_PER[previous_name]) % {"num": tenths(found[1])}
        stages.append(
            Stage(
                funnel_label(name),
                value,
                index * row + 4,
                round(max(room * value / largest, 2 if value else 0), 2),
                rate,
            )
        )
    summary = ", ".join(f"{s.label.lower()}: {number(s.value)}" for s in stages)
    return Funnel(
        FUNNEL_WIDTH,
        len(steps) * row,
        label_width,
        room,
        stages,
        summary.capitalize() + ".",
    )


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    shares: int
    clicks: int
    share_width: float
    click_width: float


def channel_rows(shares: dict[str, int], clicks: dict[str, int]) -> list[ChannelRow]:
    """Shares and clicks per channel, busiest first; widths in percent of the busiest."""
    names = sorted(
        set(shares) | set(clicks), key=lambda c: (-(shares.get(c, 0) + clicks.get(c, 0)), c)
    )
    most_shares = max(shares.values(), default=0) or 1
    most_clicks = max(clicks.values(), default=0) or 1
    return [
        ChannelRow(
            name,
            channel(name),
            shares.get(name, 0),
            clicks.get(name, 0),
            round(100 * shares.get(name, 0) / most_shares, 1),
            round(100 * clicks.get(name, 0) / most_clicks, 1),
        )
        for name in names
    ]
