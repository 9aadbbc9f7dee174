"""Euro amounts: rounding to cents and Dutch formatting ("€ 1.234,50")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return to_cents(amount * percent / 100)


def euro(amount: Decimal) -> str:
    """Dutch notation: thousands with dots, decimals with a comma."""
    english = f"{to_cents(amount):,.2f}"
    dutch = english.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€\u00a0{dutch}"


def webhook_amount(amount: Decimal) -> str:
    """The plain decimal string Shareback expects: "59.90"."""
    return f"{to_cents(amount):.2f}"


def percent_label(percent: Decimal) -> str:
    return f"{percent.normalize():f}".replace(".", ",") + "%"
