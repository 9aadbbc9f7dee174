"""A customer's figures from their orders: count, revenue net of refunds, first and last order.
Pure: the store gathers the orders, this decides, the store writes.

Revenue is in one currency, the customer's: the import's, else the shop's when the first order
has an amount in it, else the first order's. An order with no amount in that currency counts as
an order but adds nothing to revenue (25,000 HUF is not €25,000): `uncounted` says how many."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shareback.crm.records import CustomerOrder, ImportedTotals


@dataclass(frozen=True)
class Figures:
    order_count: int
    revenue_minor: int
    currency: str | None
    first_order_at: datetime | None
    last_order_at: datetime | None
    uncounted: int = 0


def net_in(order: CustomerOrder, currency: str) -> int | None:
    """The order's total less its refunds in `currency`, or None when it has no amount in it."""
    if order.currency == currency:
        return order.total_minor - order.refunded_minor
    if order.other_currency == currency and order.other_total_minor is not None:
        if order.total_minor <= 0:
            return order.other_total_minor
        refunded = round(order.refunded_minor * order.other_total_minor / order.total_minor)
        return order.other_total_minor - refunded
    return None


def customer_currency(
    orders: Sequence[CustomerOrder], imported: ImportedTotals | None, shop_currency: str | None
) -> str | None:
    if imported is not None:
        return imported.currency
    if not orders:
        return None
    first = min(orders, key=lambda o: o.placed_at)
    if shop_currency is not None and net_in(first, shop_currency) is not None:
        return shop_currency
    return first.currency


def roll_up(
    orders: Sequence[CustomerOrder], imported: ImportedTotals | None, shop_currency: str | None
) -> Figures:
    currency = customer_currency(orders, imported, shop_currency)
    # The platform's own count already holds the orders placed before its export.
    counted = [o for o in orders if imported is None or o.placed_at > imported.at]
    count = (imported.order_count if imported else 0) + len(counted)
    revenue = imported.revenue_minor if imported else 0
    uncounted = 0
    for order in counted:
        net = net_in(order, currency) if currency else None
        if net is None:
            uncounted += 1
        else:
            revenue += net
    times = [o.placed_at for o in orders]
    return Figures(
        order_count=count,
        revenue_minor=revenue,
        currency=currency,
        first_order_at=min(times) if times else None,
        last_order_at=max(times) if times else None,
        uncounted=uncounted,
    )
