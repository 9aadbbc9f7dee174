"""Placed orders, kept in memory for the life of the process, numbered from 1001."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from .cart import CartLine, Totals
from .webhook import Delivery

FIRST_ORDER_ID = 1001


@dataclass
class Order:
    id: str
    email: str
    name: str
    address: str
    lines: list[CartLine]
    totals: Totals
    ref: str | None
    placed_at: datetime
    paid_delivery: Delivery | None = None
    refund_delivery: Delivery | None = None
    refunded: bool = False

    @property
    def total(self) -> Decimal:
        return self.totals.total


@dataclass
class OrderBook:
    _orders: dict[str, Order] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_ORDER_ID))

    def place(
        self,
        *,
        email: str,
        name: str,
        address: str,
        lines: list[CartLine],
        totals: Totals,
        ref: str | None,
    ) -> Order:
        order = Order(
            id=str(next(self._ids)),
            email=email,
            name=name,
            address=address,
            lines=lines,
            totals=totals,
            ref=ref,
            placed_at=datetime.now(UTC),
        )
        self._orders[order.id] = order
        return order

    def get(self, order_id: str) -> Order | None:
        return self._orders.get(order_id)

    def for_email(self, email: str) -> list[Order]:
        wanted = email.casefold()
        found = [order for order in self._orders.values() if order.email.casefold() == wanted]
        return sorted(found, key=lambda order: int(order.id), reverse=True)
