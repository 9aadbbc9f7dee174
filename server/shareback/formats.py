"""Numbers, money, percentages and times the way a locale writes them (CLDR, through Babel).

One rule for every place that shows them to a person: the dashboard (admin/formatting.py reads
the request's locale and shop time zone), the widget's offer texts (rewards.describe) and the
e-mails. "€ 3.638,22", "7,5%" and "1 dec 2026, 23:30" in Dutch; "€3,638.22", "7.5%" and
"1 Dec 2026, 23:30" in English. Machine formats (CSV, the API, events) never come through here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_currency, format_decimal, format_percent

from shareback import money


@lru_cache(maxsize=64)
def _whole_pattern(locale: str) -> str:
    """The locale's currency pattern without its decimals: "¤ #,##0" for nl."""
    pattern = str(Locale.parse(locale).currency_formats["standard"].pattern)
    return pattern.replace(".00", "")


def number(value: int | Decimal, locale: str, places: int = 0) -> str:
    """1.234 (nl), 1,234 (en); `places` fixed decimals, rounded half up."""
    if places:
        shown = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        return format_decimal(shown, "#,##0." + "0" * places, locale=locale)
    return format_decimal(value, "#,##0", locale=locale)


def amount(minor: int, currency: str, locale: str) -> str:
    """€ 1.234,50 (nl), €1,234.50 (en); a whole amount without cents: € 40, €40."""
    value = Decimal(money.from_minor(minor, currency))
    places = money.exponent(currency)
    if places and value == value.to_integral():
        return format_currency(
            value, currency, format=_whole_pattern(locale), locale=locale, currency_digits=False
        )
    return format_currency(
        value,
        currency,
        format=Locale.parse(locale)
        .currency_formats["standard"]
        .pattern.replace(".00", "." + "0" * places if places else ""),
        locale=locale,
        currency_digits=False,
    )


def percent(fraction: Decimal, locale: str, places: int = 1) -> str:
    """0.075 → 7,5% (nl), 7.5% (en); a whole percentage without its decimals: 10%."""
    return format_percent(fraction, "#,##0." + "#" * places + "%", locale=locale)


def percent_of(value: Decimal | str, locale: str) -> str:
    """A percentage written as its number ("7.5" → 7,5%), every decimal it has kept."""
    fraction = Decimal(value) / 100
    places = max(0, -Decimal(value).normalize().as_tuple().exponent)  # type: ignore[operator]
    return percent(fraction, locale, places=max(places, 1))


def moment(value: datetime, locale: str, zone: tzinfo) -> str:
    """1 dec 2026, 23:30 in the shop's time zone."""
    return format_datetime(value.astimezone(UTC), "d MMM y, HH:mm", tzinfo=zone, locale=locale)


def day(value: date | datetime, locale: str, zone: tzinfo) -> str:
    """1 dec 2026: a datetime as the shop's calendar day, a date as it is."""
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return format_date(value, "d MMM y", locale=locale)


def month_day(value: date, locale: str) -> str:
    """1 dec (nl), Dec 1 (en): a chart's axis."""
    return format_date(value, _month_day_pattern(locale), locale=locale)


@lru_cache(maxsize=16)
def _month_day_pattern(locale: str) -> str:
    return str(Locale.parse(locale).datetime_skeletons["MMMd"].pattern)


def ago(elapsed: timedelta, locale: str) -> str:
    """5 minuten geleden, 2 hours ago (never rounded up past the next unit)."""
    return format_timedelta(-elapsed, add_direction=True, threshold=1, locale=locale)
