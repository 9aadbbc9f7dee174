"""Partner commissions: what an order earns its partner, what a refund takes back. Pure: the
store gathers the facts inside the order's (or the refund's) transaction and writes the answer.

Money is in minor units. A commission is a percentage (in basis points: 1000 is 10 %) of what the
customer paid and kept (the order's total less its refunds), rounded down to the minor unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

BASES = ("first_order", "every_order")
# Why an order earns no commission (kept on the commission row, said in the webhook's answer).
REFUSALS = {
    "other_currency": "The order is in another currency than the programme's; no commission.",
    "repeat_customer": "The programme pays on a customer's first order; this customer had ordered.",
    "window_over": "The customer's commission window with this partner is over.",
}


@dataclass(frozen=True)
class Terms:
    """A partner's terms: their own where the owner set them, else the programme's."""

    rate_bp: int
    basis: str  # "first_order" | "every_order"
    window_days: int  # every_order: how long after the customer's first credited order
    hold_days: int
    currency: str


@dataclass(frozen=True)
class OrderFacts:
    total_minor: int
    kept_minor: int  # what refunds that came before the order left (0: refunded already)
    currency: str
    paid_at: datetime
    customer_had_orders: bool  # any earlier order of this customer at the shop
    first_credited_at: datetime | None  # this customer's first commission with this partner


@dataclass(frozen=True)
class Decision:
    status: str  # "pending" | "refused" | "revoked"
    reason: str | None
    amount_minor: int
    approve_after: datetime


def amount(kept_minor: int, rate_bp: int) -> int:
    """The commission on what the customer kept, rounded down (never more than the rate gives)."""
    return max(kept_minor, 0) * rate_bp // 10_000


def on_order(terms: Terms, facts: OrderFacts) -> Decision:
    due = facts.paid_at + timedelta(days=terms.hold_days)

    def refused(reason: str) -> Decision:
        return Decision("refused", reason, 0, due)

    # Never converted, never added: an order in another currency is kept and refused.
    if facts.currency != terms.currency:
        return refused("other_currency")
    if terms.basis == "first_order" and facts.customer_had_orders:
        return refused("repeat_customer")
    if (
        terms.basis == "every_order"
        and facts.first_credited_at is not None
        and facts.paid_at - facts.first_credited_at > timedelta(days=terms.window_days)
    ):
        return refused("window_over")
    if facts.kept_minor <= 0:
        return Decision("revoked", "refund", 0, due)
    return Decision("pending", None, amount(facts.kept_minor, terms.rate_bp), due)


@dataclass(frozen=True)
class Adjustment:
    amount_minor: int  # the commission's amount from now on (pending ones shrink)
    clawback_minor: int  # approved or paid ones keep their amount: this much is owed back
    revoked: bool


def after_refund(
    status: str,
    amount_minor: int,
    clawed_minor: int,
    rate_bp: int,
    kept_minor: int,
    *,
    whole: bool,
) -> Adjustment | None:
    """A refund (partial or whole) of a commission's order. A pending commission is recomputed on
    what was kept (revoked when nothing was); an approved or paid one keeps its amount and owes back
    what it is no longer worth, less what earlier clawbacks took, so a replay takes nothing twice.
    None when nothing changes."""
    worth = 0 if whole else amount(kept_minor, rate_bp)
    if status == "pending":
        revoked = whole or kept_minor <= 0
        new = 0 if revoked else min(worth, amount_minor)
        if new == amount_minor and not revoked:
            return None
        return Adjustment(new, 0, revoked)
    if status in ("approved", "paid"):
        owed = amount_minor - clawed_minor - worth
        return Adjustment(amount_minor, owed, False) if owed > 0 else None
    return None


def payout_minor(approved_minor: int, unsettled_clawbacks_minor: int) -> int:
    """A partner's transfer in a batch: their approved commissions not yet paid, less the
    clawbacks not yet settled; 0 or less pays nothing (the clawbacks wait for later earnings)."""
    return approved_minor - unsettled_clawbacks_minor
