"""The shopping cart, kept in the session as {slug: quantity}, and its totals."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .catalog import Product, find_product
from .money import percent_of, to_cents

MAX_QUANTITY = 20

Session = MutableMapping[str, Any]


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def total(self) -> Decimal:
        return to_cents(self.product.price * self.quantity)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount_percent: Decimal | None
    discount: Decimal
    shipping: Decimal
    total: Decimal
    discount_from: str | None = None  # the friend who invited this shopper


def _quantities(session: Session) -> dict[str, int]:
    stored = session.get("cart")
    if not isinstance(stored, dict):
        return {}
    return {
        slug: quantity
        for slug, quantity in stored.items()
        if isinstance(quantity, int) and quantity > 0 and find_product(slug) is not None
    }


def add_to_cart(session: Session, slug: str, quantity: int) -> None:
    quantities = _quantities(session)
    quantities[slug] = min(quantities.get(slug, 0) + quantity, MAX_QUANTITY)
    session["cart"] = quantities


def set_quantity(session: Session, slug: str, quantity: int) -> None:
    quantities = _quantities(session)
    if quantity <= 0:
        quantities.pop(slug, None)
    else:
        quantities[slug] = min(quantity, MAX_QUANTITY)
    session["cart"] = quantities


def clear_cart(session: Session) -> None:
    session.pop("cart", None)


def cart_lines(session: Session) -> list[CartLine]:
    lines = []
    for slug, quantity in _quantities(session).items():
        product = find_product(slug)
        if product is not None:
            lines.append(CartLine(product, quantity))
    return lines


def item_count(session: Session) -> int:
    return sum(_quantities(session).values())


def compute_totals(
    lines: list[CartLine], discount_percent: Decimal | None, discount_from: str | None = None
) -> Totals:
    subtotal = to_cents(sum((line.total for line in lines), Decimal(0)))
    discount = percent_of(subtotal, discount_percent) if discount_percent else Decimal("0.00")
    shipping = Decimal("0.00")  # free shipping in the Netherlands
    return Totals(
        subtotal=subtotal,
        discount_percent=discount_percent,
        discount=discount,
        shipping=shipping,
        total=to_cents(subtotal - discount + shipping),
        discount_from=discount_from if discount_percent else None,
    )


def parse_quantity(raw: object, default: int = 1) -> int:
    try:
        quantity = int(str(raw))
    except ValueError:
        return default
    return max(0, min(quantity, MAX_QUANTITY))
