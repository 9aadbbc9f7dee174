"""Contract: rewards reaching people. The friend's discount is fulfilled by the checkout with its
order, worth what the shop gave, and never revoked, shrunk or owed back; what the shop gives
itself (custom, points) is fulfilled by saying so, once it is approved; nothing else is."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

from shareback.rewards import RewardSpec
from shareback.storage.base import Store
from shareback.storage.records import Outcome, PartialRefund, RefundPart, RewardSummary
from store_contract import (
    T0,
    assert_moment,
    at,
    candidate,
    contract,
    join,
    listen,
    make_campaign,
    paid_order,
    sent,
)

HOLD = timedelta(days=14)
PERCENT = RewardSpec("percent_discount", "10")


def by_side(rewards: list[RewardSummary]) -> dict[str, RewardSummary]:
    return {reward.side: reward for reward in rewards}


@contract("record_paid_order", "reward_history")
async def test_the_friends_discount_is_fulfilled_at_the_checkout_as_the_shop_gave_it(
    store: Store,
) -> None:
    await listen(store)
    campaign = await make_campaign(store, friend_reward=PERCENT)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    cases: dict[str, tuple[int | None, int | None]] = {
        # The shop's own figure wins: €25.90 of goods, €2.59 off, €23.31 paid.
        "given": (2590, 259),
        # No discount figure: 10 % of the subtotal.
        "subtotal": (2590, None),
        # Only the total: worked back from what was left after 10 % off.
        "total": (None, None),
    }
    for n, (order_id, (subtotal, discount)) in enumerate(cases.items()):
        order = dataclasses.replace(
            paid_order(order_id, f"friend{n}@example.com", 2331, T0),
            subtotal_minor=subtotal,
            discount_minor=discount,
        )
        outcome = await store.record_paid_order(
            f"m-{order_id}", order, candidate(campaign, anna), "none"
        )
        assert outcome.status == "recorded", outcome
    friends = await store.list_rewards(side="friend")
    assert [(r.order_id, r.amount_minor, r.status, r.fulfilment) for r in friends] == [
        ("total", 259, "fulfilled", "checkout"),
        ("subtotal", 259, "fulfilled", "checkout"),
        ("given", 259, "fulfilled", "checkout"),
    ]
    for reward in friends:
        assert_moment(reward.fulfilled_at, T0)
        [change] = await store.reward_history(reward.id)
        assert (change.to_status, change.reason, change.actor) == (
            "fulfilled",
            "discount given at the checkout",
            "webhook:shop",
        )
    # Never approved, never paid: the hold approves the referrers alone (whose 10 % is issued
    # as a coupon code at once).
    assert await store.approve_due_rewards(T0 + HOLD) == 3
    referrers = await store.list_rewards(side="referrer")
    assert {(r.status, r.fulfilment) for r in referrers} == {("fulfilled", "coupon")}
    assert all(r.fulfilled_ref.startswith("coupon:THANKS-") for r in referrers if r.fulfilled_ref)
    assert (await sent(store))["reward.fulfilled"] == 6


@contract("record_refund", "record_partial_refund")
async def test_a_refund_never_revokes_shrinks_or_claws_back_the_friends_discount(
    store: Store,
) -> None:
    await listen(store)
    campaign = await make_campaign(store, friend_reward=PERCENT)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    order = dataclasses.replace(paid_order("1", total_minor=5990), discount_minor=666)
    await store.record_paid_order("m-1", order, candidate(campaign, anna), "none")
    part = PartialRefund("shop", "1", (RefundPart("re_1", Decimal("10.00")),), None, at(1))
    assert await store.record_partial_refund("p-1", part) == Outcome(
        "recorded", "partially_refunded", reduced=1
    )
    assert await store.record_refund("r-1", "shop", "1", at(2)) == Outcome(
        "recorded", "refunded", revoked=1
    )
    rewards = by_side(await store.list_rewards())
    friend, referrer = rewards["friend"], rewards["referrer"]
    assert (friend.status, friend.amount_minor, friend.clawed_back_minor) == (
        "fulfilled",
        666,
        None,
    )
    assert (referrer.status, referrer.revoke_reason) == ("revoked", "refund")
    assert "reward.clawed_back" not in await sent(store)


@contract("change_rewards")
async def test_what_the_shop_gives_itself_is_fulfilled_by_saying_so_once_approved(
    store: Store,
) -> None:
    await listen(store)
    campaign = await make_campaign(
        store, referrer_reward=RewardSpec("custom", "0"), friend_reward=RewardSpec("credit", "5")
    )
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await store.record_paid_order("m-1", paid_order("1"), candidate(campaign, anna), "none")
    rewards = by_side(await store.list_rewards())
    gift, credit = rewards["referrer"], rewards["friend"]
    assert (gift.fulfilment, credit.fulfilment) == ("shop", "credit")
    # Not before it is approved.
    assert await store.change_rewards([gift.id], "fulfilled", None, "owner", at(1)) == (
        [],
        [gift.id],
    )
    assert await store.approve_due_rewards(T0 + HOLD) == 2
    changed, refused = await store.change_rewards(
        [gift.id, credit.id, gift.id, 999], "fulfilled", "handed over in the shop", "owner", at(20)
    )
    assert [r.id for r in changed] == [gift.id] and refused == [credit.id, 999]
    [done] = changed
    assert (done.status, done.fulfilled_ref) == ("fulfilled", None)
    assert_moment(done.fulfilled_at, at(20))
    history = await store.reward_history(gift.id)
    assert [(c.from_status, c.to_status, c.reason, c.actor) for c in history] == [
        ("pending", "approved", "hold period ended", "scheduler"),
        ("approved", "fulfilled", "handed over in the shop", "owner"),
    ]
    # Once: saying it again moves nothing and announces nothing.
    assert await store.change_rewards([gift.id], "fulfilled", None, "owner", at(21)) == (
        [],
        [gift.id],
    )
    # The gift, and the friend's credit (added to the ledger when it was approved).
    assert (await sent(store))["reward.fulfilled"] == 2
