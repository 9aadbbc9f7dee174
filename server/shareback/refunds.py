"""What an order's refunds add up to: the rules behind partial refunds, apart from any storage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shareback import money


def part_minor(amount: Decimal, currency: str) -> int:
    """A refund's amount in the order's minor units: a stray third decimal rounds, never fails."""
    scaled = amount.scaleb(money.exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(0, int(scaled))


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
