"""The overview's date range: ?from=&to= as inclusive shop days (cut at the shop's midnight,
shop_days.py), the last 30 days up to the shop's today by default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from shareback import shop_days

DEFAULT_DAYS = 30
MAX_DAYS = 731
PRESETS = (7, 30, 90, 365)


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date
    zone: tzinfo = shop_days.UTC_ZONE

    @property
    def start(self) -> datetime:
        """The shop's midnight that begins the first day, as a UTC moment."""
        return shop_days.day_start(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """Half-open: the shop's midnight after the last day."""
        return shop_days.day_end(self.last, self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def last_days(count: int, today: date, zone: tzinfo = shop_days.UTC_ZONE) -> DateRange:
    """`count` shop days ending with today (the shop's today: shop_days.local_day(now, zone))."""
    return DateRange(today - timedelta(days=count - 1), today, zone)


# Far enough from date.min and date.max that a default or two-year range never leaves them.
FIRST_YEAR, LAST_YEAR = 1970, 9998


def parse_date(text: str | None) -> date | None:
    """YYYY-MM-DD in ASCII between FIRST_YEAR and LAST_YEAR, else None."""
    if not text:
        return None
    raw = text.strip()
    if len(raw) != 10 or not raw.isascii() or raw[4] != "-":
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def parse_range(
    first: str | None, last: str | None, today: date, zone: tzinfo = shop_days.UTC_ZONE
) -> tuple[DateRange, str | None]:
    """The range asked for, or the default with a message saying why the request was not used."""
    default = last_days(DEFAULT_DAYS, today, zone)
    if not first and not last:
        return default, None
    start, end = parse_date(first), parse_date(last)
    if (first and start is None) or (last and end is None):
        return default, "That date is not valid (use YYYY-MM-DD); showing the last 30 days."
    start = start or (end or today) - timedelta(days=DEFAULT_DAYS - 1)
    end = end or today
    if start > end:
        return default, "The start date is after the end date; showing the last 30 days."
    if (end - start).days + 1 > MAX_DAYS:
        return DateRange(end - timedelta(days=MAX_DAYS - 1), end, zone), (
            "Ranges are at most two years; showing the two years up to the end date."
        )
    return DateRange(start, end, zone), None
