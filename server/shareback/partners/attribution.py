"""Last click between a partner and a customer's referral: one order is credited to one of them.
Pure; the checkout gathers the touches (partners/checkout.py), the store writes the winner.

The rules (docs/partners.md):
1. Each side first picks its own best touch by its own rules (customer referrals: the signed link,
   then a typed code, within the campaign's window; partners: their link within the programme's
   window, then their code).
2. Between the two sides the later touch wins: a link counts from its click; a code typed at the
   checkout counts as the moment of the order, so it beats any earlier link.
3. Two codes typed at the same checkout: the one listed first wins.
4. A partner's repeat-order window (every_order) is no touch: any customer referral beats it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SIDES = ("customer", "partner")


@dataclass(frozen=True)
class Touch:
    side: str  # "customer" | "partner"
    via: str  # "link" | "code" | "window"
    clicked_at: datetime | None = None  # links
    position: int = 0  # codes: the place in the order's coupon_codes


def _rank(touch: Touch, paid_at: datetime) -> tuple[int, datetime, int]:
    if touch.via == "window":
        return (0, datetime.min.replace(tzinfo=paid_at.tzinfo), 0)
    if touch.via == "code":
        return (1, paid_at, -touch.position)
    return (1, touch.clicked_at or paid_at, 0)


def last_click(customer: Touch | None, partner: Touch | None, paid_at: datetime) -> Touch | None:
    """Which side the order is credited to: the later touch; a tie goes to the first-listed code,
    and then to the customer (who came first in Shareback)."""
    if customer is None or partner is None:
        return customer or partner
    return partner if _rank(partner, paid_at) > _rank(customer, paid_at) else customer
