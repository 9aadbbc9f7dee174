"""What an order's refunds add up to: the rules behind partial refunds, apart from any storage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shareback import money
from shareback.order_value import Totals


def part_minor(amount: Decimal, currency: str) -> int:
    """A refund's amount in the order's minor units: a stray third decimal rounds, never fails."""
    scaled = amount.scaleb(money.exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(0, int(scaled))


def in_order_minor(amount: Decimal, currency: str | None, order: Totals) -> int | None:
    """A refund's amount in the order's minor units. One given in the order's second currency
    (a Shopify refund in the shopper's currency for an order kept in the shop's) counts for the
    same share of the order; None when it is in neither of the order's currencies."""
    if currency is None or currency == order.currency:
        return part_minor(amount, order.currency)
    if currency != order.other_currency or not order.other_minor:
        return None
    share = Decimal(part_minor(amount, currency)) * order.minor / order.other_minor
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Refunded:
    refunded_minor: int
    kept_minor: int

    @property
    def whole(self) -> bool:
        """Refunds that reach the total refund the order: its rewards go as for a full refund."""
        return self.kept_minor == 0


def refunded(total_minor: int, separate_minor: int, cumulative_minor: int) -> Refunded:
    """Separate refunds (Shopify's, WooCommerce's) add up; cumulative figures (Stripe's
    amount_refunded) only ever grow, whatever order they arrive in, so the largest one seen is
    what has been refunded. Never more than the order's total."""
    so_far = min(total_minor, max(separate_minor, cumulative_minor))
    return Refunded(refunded_minor=so_far, kept_minor=total_minor - so_far)
