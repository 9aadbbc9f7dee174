"""Loyalty tiers: which tier an advocate's measure (successful referrals, or what their friends
spent net of refunds) puts them in, with the plan's promotion and demotion rule. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shareback.loyalty.plan import DEMOTE_NEVER, Tier


def reached(tiers: Sequence[Tier], measure: int) -> Tier | None:
    """The highest tier whose threshold the measure reaches (tiers are kept in threshold order)."""
    found = None
    for tier in tiers:
        if measure >= tier.threshold:
            found = tier
    return found


@dataclass(frozen=True)
class TierChange:
    before: Tier | None
    after: Tier | None

    @property
    def direction(self) -> str:
        """ "promoted" or "demoted" (ranks in the plan's order; no tier ranks lowest)."""
        return "promoted" if _rank(self.after) > _rank(self.before) else "demoted"


def _rank(tier: Tier | None) -> int:
    return -1 if tier is None else tier.rank


def decide(
    tiers: Sequence[Tier], measure: int, current_key: str | None, demotion: str
) -> TierChange | None:
    """Promotion is at once, the moment the measure reaches a threshold. Demotion follows the
    plan: "on_refund" (a refund that takes the measure below the threshold demotes at once) or
    "never" (a tier once reached is kept). None: the tier stays as it is."""
    current = next((t for t in tiers if t.key == current_key), None)
    target = reached(tiers, measure)
    if demotion == DEMOTE_NEVER and _rank(target) < _rank(current):
        target = current
    if (target.key if target else None) == current_key:
        return None
    return TierChange(current, target)


def next_tier(tiers: Sequence[Tier], current_key: str | None) -> Tier | None:
    rank = next((t.rank for t in tiers if t.key == current_key), -1)
    return next((t for t in tiers if t.rank > rank), None)
