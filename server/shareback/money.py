"""Amounts as integer minor units, parsed strictly from the decimal strings checkouts send."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 exponents that differ from 2; everything else has cents.
EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "HUF": 2,
    "CLP": 0,
    "VND": 0,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
}
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


class InvalidAmount(ValueError):
    pass


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency, 2)


def to_minor(amount: str | int | Decimal | float, currency: str) -> int:
    """ "59.90" EUR -> 5990. Floats are refused: money never passes through binary fractions."""
    if isinstance(amount, bool | float):
        raise InvalidAmount('amounts are decimal strings such as "59.90"')
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise InvalidAmount(f"{amount!r} is not a decimal amount") from exc
    if not value.is_finite() or value < 0:
        raise InvalidAmount(f"{amount!r} is not a non-negative amount")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{amount!r} has more decimals than {currency} allows")
    if scaled > 10**15:
        raise InvalidAmount(f"{amount!r} is too large")
    return int(scaled)


def from_minor(minor: int, currency: str) -> str:
    return str(
        Decimal(minor).scaleb(-exponent(currency)).quantize(Decimal(1).scaleb(-exponent(currency)))
    )


def percent_of(minor: int, percent: Decimal) -> int:
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_money(minor: int, currency: str, lang: str) -> str:
    """€5 or €5,50 in Dutch; €5 or €5.50 in English."""
    text = from_minor(minor, currency)
    if text.endswith(".00"):
        text = text[:-3]
    if lang == "nl":
        text = text.replace(".", ",")
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"
