"""The overview's date range: ?from=&to= as inclusive UTC dates, the last 30 days by default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shareback.i18n import gettext as _

DEFAULT_DAYS = 30
MAX_DAYS = 731
PRESETS = (7, 30, 90, 365)


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """Half-open: the moment after the last day."""
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def last_days(count: int, today: date) -> DateRange:
    return DateRange(today - timedelta(days=count - 1), today)


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


def parse_range(first: str | None, last: str | None, today: date) -> tuple[DateRange, str | None]:
    """The range asked for, or the default with a message saying why the request was not used."""
    default = last_days(DEFAULT_DAYS, today)
    if not first and not last:
        return default, None
    start, end = parse_date(first), parse_date(last)
    if (first and start is None) or (last and end is None):
        return default, _("That date is not valid (use YYYY-MM-DD); showing the last 30 days.")
    start = start or (end or today) - timedelta(days=DEFAULT_DAYS - 1)
    end = end or today
    if start > end:
        return default, _("The start date is after the end date; showing the last 30 days.")
    if (end - start).days + 1 > MAX_DAYS:
        return DateRange(end - timedelta(days=MAX_DAYS - 1), end), (
            _("Ranges are at most two years; showing the two years up to the end date.")
        )
    return DateRange(start, end), None
