"""What an order is worth to a campaign: rewards are computed in the campaign's currency from an
amount in that currency, never from another currency's units (25,000 HUF is not €25,000), and
only from orders worth at least the campaign's minimum. Pure: no storage, no Starlette."""

from __future__ import annotations

from dataclasses import dataclass

CURRENCY_MISMATCH = "currency_mismatch"
BELOW_MINIMUM_ORDER = "below_minimum_order"
NO_REWARD_REASONS = (CURRENCY_MISMATCH, BELOW_MINIMUM_ORDER)


@dataclass(frozen=True)
class Totals:
    """An order's total, and the same total in a second currency when the platform sends one."""

    minor: int
    currency: str
    other_minor: int | None = None
    other_currency: str | None = None

    def in_currency(self, currency: str) -> Totals:
        """The same totals with `currency` first when the order has an amount in it: the order
        is then kept, shown and refunded in the campaign's currency."""
        if self.currency != currency and self.other_currency == currency:
            assert self.other_minor is not None
            return Totals(self.other_minor, currency, self.minor, self.currency)
        return self


def no_reward_reason(order: Totals, currency: str, min_order_minor: int) -> str | None:
    """Why a credited referral earns no rewards, or None when it earns them."""
    order = order.in_currency(currency)
    if order.currency != currency:
        return CURRENCY_MISMATCH
    if order.minor < min_order_minor:
        return BELOW_MINIMUM_ORDER
    return None


def share_in(amount_minor: int | None, sent: Totals, kept: Totals) -> int | None:
    """An amount the platform sent in the order's currency (its discount, its subtotal), in the
    currency the order is kept in: by the proportion of the two totals when they differ."""
    if amount_minor is None or kept.currency == sent.currency:
        return amount_minor
    if sent.minor <= 0:
        return None
    return round(amount_minor * kept.minor / sent.minor)
