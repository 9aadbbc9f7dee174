"""How the dashboard writes numbers, money, rates and times; "—" wherever there is no data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

from shareback import money
from shareback.rewards import RewardSpec
from shareback.times import rfc3339

DASH = "—"
CHANNELS = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X",
    "linkedin": "LinkedIn",
    "telegram": "Telegram",
    "messenger": "Messenger",
    "email": "E-mail",
    "sms": "SMS",
    "copy": "Copied link",
    "native": "Share sheet",
    "qr": "QR code",
    "link": "Direct link",
}
REWARD_TYPES = {
    "percent_discount": "Percentage discount",
    "fixed_discount": "Fixed discount",
    "credit": "Store credit",
    "coupon": "Coupon code",
    "points": "Points",
    "cash": "Cash (bank transfer)",
    "custom": "Custom (the shop fulfils it)",
}


def number(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def money_text(minor: int | None, currency: str = "EUR") -> str:
    """€1,234.50 — thousands grouped, whole amounts without cents."""
    if minor is None:
        return DASH
    amount = Decimal(money.from_minor(minor, currency))
    places = money.exponent(currency)
    text = f"{amount:,.{places}f}"
    if places and text.endswith("." + "0" * places):
        text = text[: -(places + 1)]
    symbol = money.SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def percent(value: Decimal | None) -> str:
    if value is None:
        return DASH
    shown = (value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{shown.normalize():f}%" if shown == shown.to_integral() else f"{shown:f}%"


def times(value: Decimal | None) -> str:
    return DASH if value is None else f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP):f}\u00d7"


def decimal(value: Decimal | None) -> str:
    return DASH if value is None else f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):f}"


def plural(count: int | None, one: str, other: str) -> str:
    """ "1 link preview", "2 link previews": the number with the word that fits it."""
    return f"{number(count)} {one if count == 1 else other}"


def rate(value: Decimal | None, one: str, other: str) -> str:
    """A rate of one count per another, never a percentage: "3.1 clicks", "1.0 click"."""
    if value is None:
        return DASH
    shown = value.quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{shown:f} {one if shown == 1 else other}"


def moment(value: datetime | None) -> str:
    """12 Mar 2025, 14:05 UTC"""
    if value is None:
        return DASH
    return value.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


def day(value: date | datetime | None) -> str:
    return DASH if value is None else value.strftime("%-d %b %Y")


def iso(value: datetime) -> str:
    return rfc3339(value)


def ago(value: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "min")):
        if seconds >= size:
            count = seconds // size
            plural = "s" if count != 1 and unit != "min" else ""
            return f"{count} {unit}{plural} ago"
    return "just now"  # pragma: no cover - the loop always returns


def channel(value: str | None) -> str:
    if not value:
        return CHANNELS["link"]
    return CHANNELS.get(value, value.capitalize())


def reward(spec: RewardSpec) -> str:
    return spec.describe("en")


def reward_type(value: str) -> str:
    return REWARD_TYPES.get(value, value)


# How an approved reward still reaches its person, and how a fulfilled one did (fulfilment.py).
FULFILMENT_WAITS = {
    "payout": "Waiting for a payout batch",
    "credit": "Credit being added",
    "coupon": "Coupon code being issued",
    "shop": "The shop gives it: mark it fulfilled",
    "checkout": "Given at the checkout",
}
FULFILMENT_DONE = {
    "payout": "Paid in a payout batch",
    "credit": "Added to the store-credit balance",
    "coupon": "Coupon code issued",
    "shop": "Given by the shop",
    "checkout": "Discount given at the checkout",
}


def fulfilment_waits(value: str) -> str:
    return FULFILMENT_WAITS.get(value, value)


def fulfilment_done(value: str) -> str:
    return FULFILMENT_DONE.get(value, value)


def url(value: str) -> Markup:
    """An address that may wrap after a slash of its path rather than in the middle of a word."""
    scheme, sep, rest = value.partition("://")
    host, slash, path = rest.partition("/")
    if not sep or not slash:
        return escape(value)
    parts = [escape(part) for part in path.split("/")]
    return escape(f"{scheme}://{host}") + Markup("/<wbr>") + Markup("/<wbr>").join(parts)


FILTERS: dict[str, Callable[..., Any]] = {
    "number": number,
    "money": money_text,
    "percent": percent,
    "times": times,
    "decimal": decimal,
    "plural": plural,
    "rate": rate,
    "moment": moment,
    "day": day,
    "iso": iso,
    "ago": ago,
    "channel": channel,
    "reward": reward,
    "reward_type": reward_type,
    "fulfilment_waits": fulfilment_waits,
    "fulfilment_done": fulfilment_done,
    "url": url,
}
