"""How each reward reaches its person, and what the friend's checkout discount was actually worth.

Pure: no storage, no Starlette. The store asks `method` when it creates a reward and
`checkout_discount_minor` when the friend's order is recorded; `can_fulfil` guards the owner's
and the shop's "fulfilled" (the other methods fulfil by their own verbs: a payout batch marked
paid, a ledger entry, a code drawn).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from shareback import money
from shareback.rewards import RewardSpec

CHECKOUT = "checkout"  # the friend's discount: given by the shop's checkout, fulfilled at once
PAYOUT = "payout"  # cash: a payout batch, paid by bank transfer
CREDIT = "credit"  # store credit: an entry in the advocate's ledger
COUPON = "coupon"  # a single-use code the shop accepts
SHOP = "shop"  # custom rewards and points: the shop says when it gave them
METHODS = (CHECKOUT, PAYOUT, CREDIT, COUPON, SHOP)
DISCOUNTS = ("percent_discount", "fixed_discount")


def method(side: str, reward_type: str) -> str:
    """The friend's discount is the checkout's; a referrer's discount comes as a coupon code."""
    if reward_type in DISCOUNTS:
        return CHECKOUT if side == "friend" else COUPON
    if reward_type == "cash":
        return PAYOUT
    if reward_type == "credit":
        return CREDIT
    if reward_type == "coupon":
        return COUPON
    return SHOP


def can_fulfil(fulfilment: str) -> bool:
    """Whether "fulfilled" may be said from outside (the owner's API, the validation callback)."""
    return fulfilment == SHOP


def checkout_discount_minor(
    spec: RewardSpec,
    total_minor: int,
    *,
    subtotal_minor: int | None = None,
    discount_minor: int | None = None,
) -> int | None:
    """What the friend's discount cost the shop on this order.

    The shop's own figure first (the order's discount); else the campaign's share of the order's
    value before discounts (subtotal); else that value worked back from the total the discount
    was taken from: 10 % off makes a €25.90 basket €23.31, and the discount was €2.59, not the
    €2.33 that 10 % of €23.31 would be. A fixed discount never exceeds the basket."""
    if discount_minor is not None:
        return discount_minor
    if spec.type == "fixed_discount":
        fixed = money.to_minor(spec.value, spec.currency)
        return fixed if subtotal_minor is None else min(fixed, subtotal_minor)
    if spec.type != "percent_discount":
        return spec.cost_minor(total_minor)
    percent = Decimal(spec.value)
    if subtotal_minor is not None:
        return money.percent_of(subtotal_minor, percent)
    if percent >= 100:
        return None  # a free order says nothing of what it was worth
    before = (Decimal(total_minor) * 100 / (100 - percent)).quantize(Decimal(1), ROUND_HALF_UP)
    return max(int(before) - total_minor, 0)
