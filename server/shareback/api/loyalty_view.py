"""An advocate's loyalty as the answers show it: their progress (loyalty/progress.py) and the
campaign with their tier's own offer in place of its rewards (loyalty/plan.py), for the widget,
the friend's landing and the dashboard alike."""

from __future__ import annotations

import dataclasses

from shareback.loyalty import plan, progress
from shareback.storage.base import Store
from shareback.storage.records import Campaign, LoyaltyStanding


def state_of(campaign: Campaign, standing: LoyaltyStanding) -> progress.LoyaltyState:
    return progress.loyalty_state(
        campaign.loyalty,
        standing.friends_converted,
        standing.tier,
        standing.spend_minor,
        campaign.currency,
    )


def with_tier_offer(campaign: Campaign, tier: str | None) -> Campaign:
    mine, theirs = plan.offers(campaign.loyalty, tier)
    if mine is None and theirs is None:
        return campaign
    return dataclasses.replace(
        campaign,
        referrer_reward=mine or campaign.referrer_reward,
        friend_reward=theirs or campaign.friend_reward,
    )


async def tiered(store: Store, campaign: Campaign, advocate_id: int) -> Campaign:
    """The campaign as the advocate's friends are offered it (one look-up, only when a tier of
    the plan has an offer of its own)."""
    if not any(t.referrer_reward or t.friend_reward for t in campaign.loyalty.tiers):
        return campaign
    standing = await store.loyalty_standing(advocate_id)
    return campaign if standing is None else with_tier_offer(campaign, standing.tier)
