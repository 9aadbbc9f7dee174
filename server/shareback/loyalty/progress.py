"""An advocate's loyalty state as the widget's answer and the advocate's page show it (the
`loyalty` object of POST /api/v1/advocates): friends converted, the tier, the next tier, the next
milestone and the cap. Pure; the sentence ("nog 2 vrienden tot € 25") is made where it is shown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shareback import money
from shareback.loyalty import milestones, tiers
from shareback.loyalty.plan import BY_REFERRALS, LoyaltyPlan, Milestone, Tier
from shareback.rewards import RewardSpec

MONEY_TYPES = ("fixed_discount", "credit", "cash")


@dataclass(frozen=True)
class LoyaltyState:
    friends_converted: int
    tier: Tier | None
    next_tier: Tier | None
    friends_to_next_tier: int | None  # None when tiers go by spend
    spend_to_next_tier_minor: int | None  # None when tiers go by referrals
    next_milestone: Milestone | None
    cap: int | None
    currency: str

    def to_json(self) -> dict[str, Any]:
        next_tier: dict[str, Any] | None = None
        if self.next_tier is not None:
            next_tier = {
                "key": self.next_tier.key,
                "name": self.next_tier.name,
                "friends_needed": self.friends_to_next_tier,
            }
            if self.spend_to_next_tier_minor is not None:
                next_tier["spend_needed"] = money_json(self.spend_to_next_tier_minor, self.currency)
        milestone = None
        if self.next_milestone is not None:
            milestone = {
                "friends_needed": self.next_milestone.friends - self.friends_converted,
                "reward": reward_json(self.next_milestone.reward),
            }
        return {
            "friends_converted": self.friends_converted,
            "tier": None if self.tier is None else {"key": self.tier.key, "name": self.tier.name},
            "next_tier": next_tier,
            "next_milestone": milestone,
            "cap": self.cap,
        }


def money_json(minor: int, currency: str) -> dict[str, str]:
    return {"amount": money.from_minor(minor, currency), "currency": currency}


def reward_json(spec: RewardSpec) -> dict[str, str]:
    """{"type", "amount", "currency"}: money as the currency writes it ("25.00"); points, a coupon's
    or a gift's value as the owner gave it."""
    if spec.type in MONEY_TYPES:
        amount = money.from_minor(money.to_minor(spec.value, spec.currency), spec.currency)
    else:
        amount = str(Decimal(spec.value).normalize()) if spec.value else spec.value
    return {"type": spec.type, "amount": amount, "currency": spec.currency}


def loyalty_state(
    plan: LoyaltyPlan,
    friends_converted: int,
    tier_key: str | None,
    spend_minor: int,
    currency: str,
) -> LoyaltyState:
    tier = plan.tier(tier_key)
    ahead = tiers.next_tier(plan.tiers, tier_key)
    by_referrals = plan.basis == BY_REFERRALS
    measure = friends_converted if by_referrals else spend_minor
    needed = None if ahead is None else max(ahead.threshold - measure, 0)
    return LoyaltyState(
        friends_converted=friends_converted,
        tier=tier,
        next_tier=ahead,
        friends_to_next_tier=needed if by_referrals else None,
        spend_to_next_tier_minor=None if by_referrals else needed,
        next_milestone=milestones.next_milestone(plan.milestones, friends_converted, plan.cap),
        cap=plan.cap,
        currency=currency,
    )
