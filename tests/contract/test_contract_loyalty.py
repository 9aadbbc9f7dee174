"""Contract: a campaign's loyalty plan (cap, milestones, tiers) and an advocate's standing."""

from __future__ import annotations

from shareback.loyalty.plan import LoyaltyPlan, Milestone, Tier
from shareback.rewards import RewardSpec
from shareback.storage.base import Store
from store_contract import assert_moment, at, contract, join, make_campaign, refer

PLAN = LoyaltyPlan(
    cap=5,
    milestones=(Milestone(2, RewardSpec("credit", "15.00")),),
    tiers=(Tier("bronze", "Bronze", 0, 0), Tier("silver", "Silver", 2, 1)),
)


@contract("update_campaign_loyalty")
async def test_a_loyalty_plan_is_stored_and_read_back_with_the_campaign(store: Store) -> None:
    campaign = await make_campaign(store)
    assert campaign.loyalty.empty
    changed = await store.update_campaign_loyalty("spring", PLAN)
    assert changed is not None and changed.id == campaign.id and changed.loyalty == PLAN
    again = await store.campaign("spring")
    assert again is not None and again.loyalty == PLAN
    cleared = await store.update_campaign_loyalty("spring", LoyaltyPlan())
    assert cleared is not None and cleared.loyalty.empty
    assert await store.update_campaign_loyalty("nowhere", PLAN) is None


@contract("loyalty_standing")
async def test_the_standing_counts_successful_friends_their_spend_tier_and_milestones(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    await store.update_campaign_loyalty("spring", PLAN)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    fresh = await store.loyalty_standing(anna.id)
    assert fresh is not None
    assert (fresh.campaign_id, fresh.friends_converted, fresh.spend_minor, fresh.milestones) == (
        campaign.id,
        0,
        0,
        (),
    )
    await refer(store, campaign, anna, "o1", "f1@example.com", 4000, paid_at=at(1))
    await refer(store, campaign, anna, "o2", "f2@example.com", 6000, paid_at=at(2))
    standing = await store.loyalty_standing(anna.id)
    assert standing is not None
    assert (standing.friends_converted, standing.spend_minor, standing.tier) == (2, 10000, "silver")
    assert_moment(standing.tier_changed_at, at(2))
    [award] = standing.milestones
    assert (award.friends, award.reward_type, award.reward_value, award.currency) == (
        2,
        "credit",
        "15.00",
        "EUR",
    )
    assert award.withdrawn_at is None and award.reward_status == "pending"
    # A refund takes the friend off the count and withdraws the milestone (kept, marked).
    await store.record_refund("msg-r2", "shop", "o2", at(3))
    after = await store.loyalty_standing(anna.id)
    assert after is not None
    assert (after.friends_converted, after.spend_minor, after.tier) == (1, 4000, "bronze")
    [withdrawn] = after.milestones
    assert withdrawn.reward_id == award.reward_id
    assert_moment(withdrawn.withdrawn_at, at(3))
    assert await store.loyalty_standing(anna.id + 1000) is None
