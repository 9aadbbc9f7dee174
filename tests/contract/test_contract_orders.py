"""Contract: paid orders, refunds, partial refunds and the scheduler's approvals, on every engine."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

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
    refer,
    sent,
)

HOLD = timedelta(days=14)


def by_side(rewards: list[RewardSummary]) -> dict[str, RewardSummary]:
    return {reward.side: reward for reward in rewards}


def assert_money(value: int | None, expected: int) -> None:
    assert value == expected and type(value) is int, value


@contract("record_paid_order")
async def test_a_referred_order_makes_one_referral_and_two_rewards(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    outcome = await store.record_paid_order(
        "msg-1",
        paid_order("1001", "Femke@Example.com", 5990, T0),
        candidate(campaign, anna),
        "no_referral",
    )
    assert (outcome.status, outcome.reason) == ("recorded", "referral")
    assert isinstance(outcome.referral_id, int)
    [referral] = await store.list_referrals()
    assert (
        referral.id,
        referral.campaign_slug,
        referral.advocate_id,
        referral.advocate_code,
        referral.friend_email,
        referral.order_source,
        referral.order_id,
        referral.order_status,
        referral.via,
    ) == (
        outcome.referral_id,
        "spring",
        anna.id,
        anna.code,
        "Femke@Example.com",
        "shop",
        "1001",
        "paid",
        "link",
    )
    assert_money(referral.order_total_minor, 5990)
    assert_moment(referral.created_at, T0)  # the referral happened when the order was paid
    rewards = by_side(await store.list_rewards())
    referrer, friend = rewards["referrer"], rewards["friend"]
    assert (referrer.email, referrer.type, referrer.value, referrer.status) == (
        "anna@example.nl",
        "percent_discount",
        "10",
        "pending",
    )
    assert_money(referrer.amount_minor, 599)  # 10 % of €59.90
    assert (friend.email, friend.type, friend.value, friend.status) == (
        "Femke@Example.com",
        "credit",
        "10.00",
        "pending",
    )
    assert_money(friend.amount_minor, 1000)
    assert (referrer.fulfilment, friend.fulfilment) == ("coupon", "credit")
    for reward in (referrer, friend):
        assert_moment(reward.approve_after, T0 + HOLD)
        assert_moment(reward.created_at, T0)
        assert (reward.approved_at, reward.revoked_at, reward.clawed_back_minor) == (
            None,
            None,
            None,
        )
    assert await sent(store) == {
        "advocate.created": 1,
        "referral.converted": 1,
        "reward.created": 2,
    }


@contract("record_paid_order")
async def test_a_replayed_message_or_order_is_a_duplicate_that_changes_nothing(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    order = paid_order("1001")
    first = await store.record_paid_order("msg-1", order, candidate(campaign, anna), "none")
    assert first.status == "recorded"
    assert await store.record_paid_order(
        "msg-1", order, candidate(campaign, anna), "none"
    ) == Outcome("duplicate", "message_already_processed")
    # The same order under a new message id (a platform resending it).
    assert await store.record_paid_order(
        "msg-2", order, candidate(campaign, anna), "none"
    ) == Outcome("duplicate", "order_already_recorded")
    # Message ids are per source: another platform's msg-1 is a message of its own.
    other = await store.record_paid_order(
        "msg-1", paid_order("1001", source="stripe"), None, "no_referral"
    )
    assert other == Outcome("ignored", "no_referral")
    assert len(await store.list_referrals()) == 1 and len(await store.list_rewards()) == 2


@contract("record_paid_order")
async def test_an_order_without_credit_is_recorded_and_ignored_with_its_reason(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    by_code = await store.record_paid_order(
        "m0", paid_order("o0", "code@example.com"), candidate(campaign, anna, "code"), "x"
    )
    assert (by_code.status, by_code.reason) == ("recorded", "referral_code")
    cases = [
        (paid_order("o1", "walkin@example.com"), None, Outcome("ignored", "no_referral")),
        (paid_order("o2", "ANNA@example.nl"), anna, Outcome("ignored", "self_referral")),
        (paid_order("o3", None), anna, Outcome("ignored", "missing_email")),
        # o1's customer has ordered before: not a new customer.
        (paid_order("o4", "walkin@example.com"), anna, Outcome("ignored", "repeat_customer")),
    ]
    for order, advocate, expected in cases:
        got = await store.record_paid_order(
            f"m-{order.order_id}",
            order,
            None if advocate is None else candidate(campaign, advocate),
            "no_referral",
        )
        assert got == expected, order
    assert len(await store.list_referrals()) == 1


@contract("record_paid_order")
async def test_campaign_rules_decide_inside_the_transaction(store: Store) -> None:
    loose = await make_campaign(store, slug="loose", new_customers_only=False, starts_at=at(-1))
    anna = await join(store, loose, "anna@example.nl", "Anna")
    mark = await join(store, loose, "mark@example.nl", "Mark")
    await refer(store, loose, anna, "o1", "friend@example.com")
    # A friend is referred once per campaign, even when repeat customers count.
    again = await store.record_paid_order(
        "m2", paid_order("o2", "friend@example.com"), candidate(loose, mark), "none"
    )
    assert again == Outcome("ignored", "already_referred")
    early = await store.record_paid_order(
        "m3", paid_order("o3", "early@example.com", paid_at=at(-2)), candidate(loose, anna), "none"
    )
    assert early == Outcome("ignored", "campaign_inactive")
    await store.archive_campaign("loose", at(1))
    late = await store.record_paid_order(
        "m4", paid_order("o4", "late@example.com", paid_at=at(2)), candidate(loose, anna), "none"
    )
    assert late == Outcome("ignored", "campaign_archived")
    assert len(await store.list_referrals()) == 1


@contract("record_refund")
async def test_a_refund_revokes_pending_rewards_once(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001")
    outcome = await store.record_refund("r-1", "shop", "1001", at(1))
    assert outcome == Outcome("recorded", "refunded", revoked=2)
    for reward in await store.list_rewards():
        assert (reward.status, reward.revoke_reason, reward.approved_at) == (
            "revoked",
            "refund",
            None,
        )
        assert_moment(reward.revoked_at, at(1))
        [change] = await store.reward_history(reward.id)
        assert (change.from_status, change.to_status, change.reason, change.actor) == (
            "pending",
            "revoked",
            "refund",
            "webhook:shop",
        )
        assert_moment(change.at, at(1))
    [referral] = await store.list_referrals()
    assert referral.order_status == "refunded"
    assert await store.record_refund("r-1", "shop", "1001", at(2)) == Outcome(
        "duplicate", "message_already_processed"
    )
    assert await store.record_refund("r-2", "shop", "1001", at(2)) == Outcome(
        "duplicate", "order_already_refunded"
    )
    # Before its order: kept until the order comes (test_contract_fraud.py).
    assert await store.record_refund("r-3", "shop", "9999", at(2)) == Outcome(
        "recorded", "awaiting_order"
    )
    assert (await sent(store))["reward.revoked"] == 2


@contract("record_refund")
async def test_a_chargeback_after_approval_claws_back_what_was_paid(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001")
    assert await store.approve_due_rewards(T0 + HOLD) == 2
    outcome = await store.record_refund("cb-1", "shop", "1001", at(20), reason="chargeback")
    assert outcome == Outcome("recorded", "charged_back", clawed_back=2)
    rewards = by_side(await store.list_rewards())
    assert {r.status for r in rewards.values()} == {"fulfilled"}  # issued when approved
    assert_money(rewards["referrer"].clawed_back_minor, 599)
    assert_money(rewards["friend"].clawed_back_minor, 1000)
    assert (await sent(store))["reward.clawed_back"] == 2
    # Nothing is clawed back twice.
    assert await store.record_refund("cb-2", "shop", "1001", at(21)) == Outcome(
        "duplicate", "order_already_refunded"
    )


@contract("record_partial_refund")
async def test_a_partial_refund_shrinks_the_share_of_the_order_once(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001", total_minor=5990)
    refund = PartialRefund("shop", "1001", (RefundPart("re_1", Decimal("10.00")),), None, at(1))
    outcome = await store.record_partial_refund("p-1", refund)
    assert outcome == Outcome("recorded", "partially_refunded", reduced=1)
    rewards = by_side(await store.list_rewards())
    assert_money(rewards["referrer"].amount_minor, 499)  # 10 % of what was kept, €49.90
    assert_money(rewards["friend"].amount_minor, 1000)  # a fixed credit keeps its worth
    assert await store.record_partial_refund("p-1", refund) == Outcome(
        "duplicate", "message_already_processed"
    )
    assert await store.record_partial_refund("p-2", refund) == Outcome(
        "duplicate", "refund_already_recorded"
    )
    euros = PartialRefund("shop", "1001", (RefundPart("re_2", Decimal("1")),), "USD", at(1))
    assert await store.record_partial_refund("p-3", euros) == Outcome(
        "ignored", "currency_mismatch"
    )
    unknown = PartialRefund("shop", "404", (RefundPart("re_3", Decimal("1")),), None, at(1))
    assert await store.record_partial_refund("p-4", unknown) == Outcome(
        "recorded", "awaiting_order"
    )
    # The rest of the order: refunded as a whole, its pending rewards revoked.
    rest = PartialRefund("shop", "1001", (RefundPart("re_4", Decimal("49.90")),), "EUR", at(2))
    assert await store.record_partial_refund("p-5", rest) == Outcome(
        "recorded", "refunded", revoked=2
    )
    more = PartialRefund("shop", "1001", (RefundPart("re_5", Decimal("1")),), None, at(3))
    assert await store.record_partial_refund("p-6", more) == Outcome(
        "duplicate", "order_already_refunded"
    )
    stats = await store.campaign_stats(campaign.id, at(-1), at(1))
    assert (stats.refunded_conversions, stats.revenue_minor) == (1, 0)


@contract("record_partial_refund")
async def test_cumulative_refunds_count_their_largest_figure_and_claw_back(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001", total_minor=5990)
    assert await store.approve_due_rewards(T0 + HOLD) == 2

    def stripe(key: str, amount: str) -> PartialRefund:
        return PartialRefund(
            "shop", "1001", (RefundPart(key, Decimal(amount)),), None, at(20), cumulative=True
        )

    first = await store.record_partial_refund("s-1", stripe("ch_1:1000", "10.00"))
    assert first == Outcome("recorded", "partially_refunded", clawed_back=1)
    second = await store.record_partial_refund("s-2", stripe("ch_1:2500", "25.00"))
    assert second == Outcome("recorded", "partially_refunded", clawed_back=1)
    # €25 refunded in all, not €35: 10 % of €34.90 kept is 349, so 250 is owed back.
    referrer = by_side(await store.list_rewards())["referrer"]
    assert_money(referrer.amount_minor, 599)
    assert_money(referrer.clawed_back_minor, 250)
    stats = await store.campaign_stats(campaign.id, at(-1), at(1))
    assert_money(stats.revenue_minor, 3490)


@contract("approve_due_rewards")
async def test_rewards_are_approved_once_their_hold_ends(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store)
    checked = await make_campaign(
        store, slug="checked", validation_url="https://shop.example/v", validation_secret="whsec_v"
    )
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    mark = await join(store, checked, "mark@example.nl", "Mark")
    await refer(store, campaign, anna, "1001")
    await refer(store, checked, mark, "2002", "other@example.com")
    due = T0 + HOLD
    assert await store.approve_due_rewards(due - timedelta(microseconds=1)) == 0
    approved = await store.approve_due_rewards(due)
    assert approved == 2 and type(approved) is int
    assert await store.approve_due_rewards(due + timedelta(days=1)) == 0
    for reward in await store.list_rewards(campaign_id=campaign.id):
        # The coupon and the credit are issued the moment they are approved.
        assert reward.status == "fulfilled"
        assert_moment(reward.approved_at, due)
        change, issued = await store.reward_history(reward.id)
        assert (change.from_status, change.to_status, change.reason, change.actor) == (
            "pending",
            "approved",
            "hold period ended",
            "scheduler",
        )
        assert_moment(change.at, due)
        assert (issued.to_status, issued.actor) == ("fulfilled", "scheduler")
    # A campaign with a validation callback waits for the shop's word instead.
    assert {r.status for r in await store.list_rewards(campaign_id=checked.id)} == {"pending"}
    assert (await sent(store))["reward.approved"] == 2
