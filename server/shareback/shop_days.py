"""The shop's days: every statistic cuts its days at the shop's midnight (SHAREBACK_TIMEZONE).

Pure (no storage, no web). A shop day is the stretch [its midnight, the next midnight) in the
shop's zone, taken as UTC moments: 24 hours most days, 23 on the day the clocks go forward and 25
on the day they go back (29 March and 25 October 2026 in Europe/Amsterdam). Every adapter (the
store's rollups, the dashboard's ranges, the stats API, the fraud rules' same-day count, the
weekly summary) asks here, so that one moment falls on one day everywhere.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

UTC_ZONE = ZoneInfo("UTC")


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The shop day a moment falls on."""
    return moment.astimezone(zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    """The UTC moment the shop day begins. A midnight the clocks skip (a zone that changes its
    offset at 00:00) begins the day at the change; a midnight that happens twice, at its first."""
    local = datetime.combine(day, time(), zone)
    start = local.astimezone(UTC)
    if start.astimezone(zone).date() != day:  # skipped midnight read with the old offset
        start = _first_moment_of(day, zone, start)
    return start


def _first_moment_of(day: date, zone: tzinfo, guess: datetime) -> datetime:
    """The first UTC second whose local date is `day`, bisected from a moment before it."""
    low, high = guess, guess + timedelta(hours=26)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).date() >= day:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def day_end(day: date, zone: tzinfo) -> datetime:
    """Half-open: the moment the next shop day begins."""
    return day_start(day + timedelta(days=1), zone)


def bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the shop days first..last, both included."""
    return day_start(first, zone), day_end(last, zone)


def hours_in(day: date, zone: tzinfo) -> float:
    return (day_end(day, zone) - day_start(day, zone)) / timedelta(hours=1)


def is_day_start(moment: datetime, zone: tzinfo) -> bool:
    return day_start(local_day(moment, zone), zone) == moment


def whole_days(start: datetime, end: datetime, zone: tzinfo) -> tuple[date, date] | None:
    """The shop days first..last that [start, end) covers exactly, or None when either bound
    falls inside a day (such a range is counted from the rows, not from the daily rollups)."""
    if end <= start or not is_day_start(start, zone) or not is_day_start(end, zone):
        return None
    return local_day(start, zone), local_day(end - timedelta(microseconds=1), zone)


def days_touched(start: datetime, end: datetime, zone: tzinfo) -> tuple[date, date]:
    """The first and last shop day that [start, end) touches."""
    return local_day(start, zone), local_day(max(start, end - timedelta(microseconds=1)), zone)


def week_start(moment: datetime, zone: tzinfo) -> datetime:
    """Monday 00:00 in the shop of the moment's week, as a UTC moment."""
    day = local_day(moment, zone)
    return day_start(day - timedelta(days=day.weekday()), zone)


@dataclass(frozen=True)
class Stretch:
    """From `since` (a UTC moment; None: from the beginning of time) the zone is `offset` seconds
    ahead of UTC, until the next stretch's `since`."""

    since: datetime | None
    offset: int


def stretches(start: datetime, end: datetime, zone: tzinfo) -> tuple[Stretch, ...]:
    """The constant-offset stretches that cover [start, end), in order: the SQL of both engines
    turns a stored UTC time into its shop day by adding the stretch's offset (storage's dialect),
    exactly as local_day() does. Offsets change at most a few times a year."""
    return _stretches(start.astimezone(UTC), end.astimezone(UTC), zone)


@functools.lru_cache(maxsize=256)
def _stretches(start: datetime, end: datetime, zone: tzinfo) -> tuple[Stretch, ...]:
    def offset(moment: datetime) -> int:
        shift = moment.astimezone(zone).utcoffset()
        return 0 if shift is None else int(shift.total_seconds())

    found = [Stretch(None, offset(start))]
    step = timedelta(hours=12)
    low = start
    while low < end:
        high = min(low + step, end)
        if offset(high) != offset(low):
            # The change lies in (low, high]: bisect to the second.
            a, b = low, high
            while b - a > timedelta(seconds=1):
                middle = a + (b - a) / 2
                if offset(middle) == offset(a):
                    a = middle
                else:
                    b = middle
            change = b.replace(microsecond=0)
            if offset(change) != offset(b):
                change += timedelta(seconds=1)
            found.append(Stretch(change, offset(change)))
            low = change
        else:
            low = high
    return tuple(found)


def zone_name(zone: tzinfo) -> str:
    """The IANA name a zone is stored under (the rollups remember the zone they were built in)."""
    key = getattr(zone, "key", None)
    return str(key) if key else str(zone)
