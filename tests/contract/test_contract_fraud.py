"""Contract: refunds kept until their order, fraud rules and their verdicts, the review queue,
and click hygiene, on every engine."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

from shareback import fraud
from shareback.storage.base import Store
from shareback.storage.records import Outcome, PartialRefund, RefundPart
from store_contract import (
    T0,
    assert_moment,
    at,
    candidate,
    contract,
    join,
    make_campaign,
    paid_order,
    refer,
)


@contract("record_refund", "record_partial_refund", "record_paid_order")
async def test_refunds_before_their_order_are_applied_when_it_comes(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    part = PartialRefund("shop", "1001", (RefundPart("re_1", Decimal("10.00")),), None, at(0))
    assert await store.record_partial_refund("p-1", part) == Outcome("recorded", "awaiting_order")
    assert await store.record_partial_refund("p-2", part) == Outcome(
        "duplicate", "refund_already_recorded"
    )
    assert await store.record_refund("c-1", "shop", "1001", at(0), "chargeback") == Outcome(
        "recorded", "awaiting_order"
    )
    outcome = await refer(store, campaign, anna, "1001", total_minor=5990)
    assert (outcome.reason, outcome.revoked, outcome.reduced) == ("referral", 2, 1)
    rewards = {r.side: r for r in await store.list_rewards()}
    assert {r.status for r in rewards.values()} == {"revoked"}
    assert {r.revoke_reason for r in rewards.values()} == {"chargeback"}
    assert rewards["referrer"].amount_minor == 499  # 10 % of the €49.90 kept by the partial refund
    [referral] = await store.list_referrals()
    assert referral.order_status == "refunded"
    # Nothing is left waiting: a replay is a duplicate of the order itself now.
    assert await store.record_refund("c-2", "shop", "1001", at(1), "chargeback") == Outcome(
        "duplicate", "order_already_refunded"
    )


@contract("fraud_rules", "set_fraud_rules")
async def test_a_campaigns_fraud_rules_default_and_change(store: Store) -> None:
    campaign = await make_campaign(store)
    assert await store.fraud_rules(campaign.id) == fraud.DEFAULT_RULES
    strict = dataclasses.replace(fraud.DEFAULT_RULES, disposable_email="refuse", reward_cap=2)
    await store.set_fraud_rules(campaign.id, strict, T0)
    assert await store.fraud_rules(campaign.id) == strict
    other = await make_campaign(store, slug="other")
    assert await store.fraud_rules(other.id) == fraud.DEFAULT_RULES


@contract("fraud_decisions", "fraud_decision", "review_referral", "approve_due_rewards")
async def test_every_verdict_is_kept_and_the_doubtful_wait_for_a_person(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1")
    held = await store.record_paid_order(
        "m-2", paid_order("2", "deal@mailinator.com"), candidate(campaign, anna), ""
    )
    assert (held.status, held.reason) == ("recorded", "held_for_review")
    self_referral = await store.record_paid_order(
        "m-3", paid_order("3", "anna@example.nl"), candidate(campaign, anna), ""
    )
    assert self_referral == Outcome("ignored", "self_referral")
    decisions = await store.fraud_decisions()
    assert [(d.order_id, d.verdict, d.reasons) for d in decisions] == [
        ("3", "refused", ("self_referral",)),
        ("2", "review", ("disposable_email",)),
        ("1", "paid", ("passed",)),
    ]
    [waiting] = await store.fraud_decisions(awaiting_review=True)
    assert waiting.referral_id == held.referral_id and waiting.review_verdict is None
    # Held rewards are not approved when the hold ends; the others are.
    assert await store.approve_due_rewards(T0 + timedelta(days=15)) == 2
    decided = await store.review_referral(waiting.id, "rejected", "throwaway", "owner@x", at(16))
    assert decided is not None
    assert (decided.review_verdict, decided.reviewed_by, decided.review_note) == (
        "rejected",
        "owner@x",
        "throwaway",
    )
    assert_moment(decided.reviewed_at, at(16))
    assert await store.review_referral(waiting.id, "approved", None, "owner@x", at(17)) is None
    assert await store.fraud_decisions(awaiting_review=True) == []
    assert [d.id for d in await store.fraud_decisions(reviewed=True)] == [waiting.id]
    assert await store.fraud_decision(waiting.id) == decided
    assert await store.fraud_decision(10**9) is None
    revoked = [r for r in await store.list_rewards(status="revoked")]
    assert {(r.order_id, r.revoke_reason) for r in revoked} == {("2", "fraud_review")}


@contract("record_click")
async def test_one_visitor_counts_once_a_day_and_uncounted_clicks_stay_apart(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    first = await store.record_click(anna.id, "t1", "email", "ip", "mobile", T0, visitor="v")
    again = await store.record_click(
        anna.id, "t2", "email", "ip", "mobile", at(hours=2), visitor="v"
    )
    tomorrow = await store.record_click(anna.id, "t3", "email", "ip", "mobile", at(1), visitor="v")
    over = await store.record_click(anna.id, "t4", "email", "ip", "mobile", T0, counted=False)
    assert (first, again, tomorrow, over) == ("t1", "t1", "t3", "t4")
    [summary] = await store.list_advocates()
    assert summary.clicks == 2
