"""Store credit and referrers' coupons, the rules: what a redemption may take from a balance,
and what a generated coupon code looks like. Pure: no storage, no Starlette."""

from __future__ import annotations

from dataclasses import dataclass

from shareback import codes

COUPON_PREFIX = "THANKS"  # a referrer's generated coupon: THANKS-7KQ2XM
MAX_KEY = 200


@dataclass(frozen=True)
class Redemption:
    """What a checkout's spend did: "redeemed", "replayed" (this key was spent already: the same
    answer again) or "insufficient" (nothing taken); the balance after it."""

    status: str
    amount_minor: int
    balance_minor: int
    entry_id: int | None = None


def may_redeem(balance_minor: int, amount_minor: int) -> bool:
    """A spend never takes a balance below zero, and spends something."""
    return 0 < amount_minor <= balance_minor


def checkout_spend(balance_minor: int, reported_minor: int) -> int:
    """An order webhook says what the checkout took: it is recorded up to the balance (the
    checkout asked the balance first; a concurrent spend may have taken some since)."""
    return max(min(balance_minor, reported_minor), 0)


def generated_coupon() -> str:
    return codes.new_code(COUPON_PREFIX, 6)
