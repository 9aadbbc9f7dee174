"""Amounts as integer minor units, parsed strictly from the decimal strings checkouts send.

Which codes are currencies and how many decimals each has come from CLDR (Babel's data, kept up
to date with every Babel release) instead of a hand-kept table that misses some (it once read
5000 XOF as 50.00). Stripe's integer amounts follow Stripe's own documented rules, which differ
from ISO 4217 for a few currencies: those apply only where a Stripe amount is read."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import cache, lru_cache

from babel.core import get_global
from babel.numbers import get_currency_precision, get_territory_currencies

CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
MAX_MINOR = 10**15  # above any real order; keeps every sum far inside a BIGINT
MAX_TEXT = 40  # characters of a decimal amount: "123456789012.345" needs far fewer
EXACT = Context(prec=MAX_TEXT + 10)  # scaling a MAX_TEXT-long amount never rounds

# Currencies still in use are those some territory has had as legal tender since this date:
# recently replaced ones (HRK, BGN, SLL…) stay usable for late refunds of old orders, while
# funds codes (BOV, CLF, USN…), precious metals (XAU…), XXX ("no currency"), XTS (testing) and
# long-gone currencies are refused.
IN_USE_SINCE = date(2020, 1, 1)

# CLDR's digits are how many decimals people normally write; ISO 4217's minor unit can be more
# (HUF's fillér, IDR's sen). Amounts are parsed and stored in ISO's minor unit, so a platform's
# "12500.50" HUF is never refused and stored orders keep their meaning. Only codes where CLDR
# has fewer digits than ISO 4217 are listed (a test checks that each still differs).
ISO_MINOR_UNITS_ABOVE_CLDR = {
    "AFN": 2,
    "ALL": 2,
    "COP": 2,
    "HUF": 2,
    "IDR": 2,
    "IQD": 3,
    "IRR": 2,
    "KPW": 2,
    "LAK": 2,
    "LBP": 2,
    "MGA": 2,
    "MMK": 2,
    "SLL": 2,
    "SOS": 2,
    "SYP": 2,
    "YER": 2,
}

# Stripe's integer amounts (docs.stripe.com/currencies): two decimals unless listed here.
# Stripe's special cases all stay two-decimal in the API: ISK and UGX (zero-decimal in ISO
# 4217) "for backwards compatibility", as multiples of 100; HUF and TWD are zero-decimal for
# payouts only, which Shareback never reads.
STRIPE_ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
STRIPE_THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])


class InvalidAmount(ValueError):
    pass


class InvalidCurrency(ValueError):
    pass


@cache
def currencies() -> frozenset[str]:
    """Every ISO 4217 code that is a currency in use somewhere (see IN_USE_SINCE)."""
    found: set[str] = set()
    for territory in get_global("territory_currencies"):
        found.update(
            get_territory_currencies(
                territory, start_date=IN_USE_SINCE, end_date=date.today(), tender=True
            )
        )
    return frozenset(found)


def is_currency(code: str) -> bool:
    return code in currencies()


def currency_code(value: object) -> str:
    """ "eur" or " EUR " -> "EUR"; anything that is not a currency in use is refused."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if not CURRENCY_PATTERN.match(code):
        raise InvalidCurrency("a currency is a three-letter ISO 4217 code, such as EUR")
    if not is_currency(code):
        raise InvalidCurrency(f"{code} is not a currency Shareback can book rewards in")
    return code


@lru_cache(maxsize=1024)  # bounded: a dashboard preview may ask about any string
def exponent(currency: str) -> int:
    """ISO 4217's minor unit: 2 for EUR, 0 for JPY and XOF, 3 for OMR. Unknown codes (an old
    row's) read as 2, so showing them never fails; parsing refuses them first."""
    cldr = get_currency_precision(currency)
    return max(cldr, ISO_MINOR_UNITS_ABOVE_CLDR.get(currency, cldr))


def stripe_exponent(currency: str) -> int:
    """How many decimals a Stripe integer amount in this currency carries."""
    if currency in STRIPE_ZERO_DECIMAL:
        return 0
    if currency in STRIPE_THREE_DECIMAL:
        return 3
    return 2


def decimal_text(text: str) -> Decimal:
    """A decimal written in ASCII: Decimal() also reads Arabic-Indic and other Unicode digits
    ("\\u0661\\u0660" is ten), which no checkout sends and no person reading the order would see as ten."""
    if not text.isascii():
        raise InvalidAmount(f"{text!r} is not a decimal amount")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise InvalidAmount(f"{text!r} is not a decimal amount") from exc


def _decimal(amount: str | int | Decimal | float) -> Decimal:
    if isinstance(amount, bool | float):
        raise InvalidAmount('amounts are decimal strings such as "59.90"')
    if isinstance(amount, Decimal):
        value = amount
    else:
        text = str(amount).strip()
        if len(text) > MAX_TEXT:
            raise InvalidAmount("the amount is too long to be one")
        value = decimal_text(text)
    if not value.is_finite() or value < 0:
        raise InvalidAmount(f"{amount!r} is not a non-negative amount")
    shape = value.as_tuple()
    # A JSON number arrives as a Decimal of any length, and "1e-1000051" or "0e999999" are short
    # strings: bounded here, before any arithmetic could overflow or round them to nothing.
    if len(shape.digits) > MAX_TEXT or not -MAX_TEXT <= int(shape.exponent) <= MAX_TEXT:
        raise InvalidAmount(f"{amount!r} is not a usable amount")
    if value and value.adjusted() > 20:  # far past MAX_MINOR whatever the currency
        raise InvalidAmount(f"{amount!r} is too large")
    return value


def to_minor(amount: str | int | Decimal | float, currency: str) -> int:
    """ "59.90" EUR -> 5990. Floats are refused: money never passes through binary fractions."""
    value = _decimal(amount)
    scaled = value.scaleb(exponent(currency), EXACT)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{amount!r} has more decimals than {currency} allows")
    if scaled > MAX_MINOR:
        raise InvalidAmount(f"{amount!r} is too large")
    return int(scaled)


def from_minor(minor: int, currency: str) -> str:
    places = exponent(currency)
    return str(Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places)))


def from_stripe(amount: int, currency: str) -> int:
    """A Stripe integer amount in ISO minor units: 5000 XOF is 5000 XOF, 12340 OMR is 12.340,
    500 ISK is 5 ISK; an amount finer than ISO's minor unit (550 ISK) is refused."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_MINOR:
        raise InvalidAmount("Stripe amounts are whole, non-negative numbers of minor units")
    return to_minor(Decimal(amount).scaleb(-stripe_exponent(currency)), currency)


def minor_at_least(minor: int, currency: str, target: str) -> int:
    """The same number of major units in another currency, rounded up to its minor unit:
    a campaign's minimum of 0.01 EUR becomes 1 JPY, never 0."""
    amount = Decimal(minor).scaleb(-exponent(currency))
    return int(amount.scaleb(exponent(target)).to_integral_value(rounding=ROUND_CEILING))


def percent_of(minor: int, percent: Decimal) -> int:
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_money(minor: int, currency: str, lang: str) -> str:
    """€ 5 or € 5,50 in Dutch; €5 or €5.50 in English (formats.amount, CLDR's way)."""
    from shareback import formats  # formats reads this module's minor units

    return formats.amount(minor, currency, lang)
