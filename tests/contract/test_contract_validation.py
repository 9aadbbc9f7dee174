"""Contract: the reward validation callback's queue: leased claims and the shop's verdicts."""

from __future__ import annotations

from datetime import timedelta

from shareback.storage.base import Store
from store_contract import T0, assert_moment, contract, join, listen, make_campaign, refer, sent

LEASE = timedelta(minutes=5)
DUE = T0 + timedelta(days=14)
CHECKED = {"validation_url": "https://shop.example/validate", "validation_secret": "whsec_v"}


@contract("claim_validations")
async def test_due_rewards_of_checked_campaigns_are_leased_once(store: Store) -> None:
    checked = await make_campaign(store, **CHECKED)
    plain = await make_campaign(store, slug="plain")
    anna = await join(store, checked, "anna@example.nl", "Anna")
    mark = await join(store, plain, "mark@example.nl", "Mark")
    await refer(store, checked, anna, "1001")
    await refer(store, plain, mark, "2002", "other@example.com")
    assert await store.claim_validations("w1", DUE - timedelta(microseconds=1), LEASE, 10) == []
    [first] = await store.claim_validations("w1", DUE, LEASE, 1)
    [second] = await store.claim_validations("w1", DUE, LEASE, 10)
    assert first.reward_id < second.reward_id
    assert (first.attempts, first.url, first.secret) == (0, CHECKED["validation_url"], "whsec_v")
    reward = first.payload["reward"]
    assert (reward["id"], reward["side"], reward["status"], reward["amount"]) == (
        first.reward_id,
        "referrer",
        "pending",
        "5.99",  # 10 % of the €59.90 order
    )
    assert reward["approve_after"] == "2025-06-15T09:30:15Z"
    assert first.payload["order"] == {
        "id": "1001",
        "source": "shop",
        "total": "59.90",
        "currency": "EUR",
    }
    assert await store.claim_validations("w2", DUE + LEASE, LEASE, 10) == []
    expired = DUE + LEASE + timedelta(microseconds=1)
    assert {c.reward_id for c in await store.claim_validations("w2", expired, LEASE, 10)} == {
        first.reward_id,
        second.reward_id,
    }


@contract("finish_validation")
async def test_the_shops_verdict_applies_once_while_the_reward_is_pending(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store, **CHECKED)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001")
    approve, revoke = await store.claim_validations("w", DUE, LEASE, 10)

    async def finish(reward_id: int, worker: str, verdict: str, reason: str | None = None) -> bool:
        return await store.finish_validation(
            reward_id, worker, verdict=verdict, reason=reason, retry_at=None, now=DUE
        )

    assert await finish(approve.reward_id, "intruder", "approved") is False
    assert await finish(approve.reward_id, "w", "approved") is True
    assert await finish(approve.reward_id, "w", "approved") is False
    assert await finish(revoke.reward_id, "w", "revoked", "not paid") is True
    approved = await store.reward(approve.reward_id)
    revoked = await store.reward(revoke.reward_id)
    assert approved is not None and revoked is not None
    # Approved, the referrer's 10 % is issued as a coupon at once.
    assert (approved.status, revoked.status, revoked.revoke_reason) == (
        "fulfilled",
        "revoked",
        "not paid",
    )
    assert_moment(approved.approved_at, DUE)
    assert_moment(revoked.revoked_at, DUE)
    [change] = await store.reward_history(revoke.reward_id)
    assert (change.from_status, change.to_status, change.reason, change.actor) == (
        "pending",
        "revoked",
        "not paid",
        "validation callback",
    )
    events = await sent(store)
    assert (events["reward.approved"], events["reward.revoked"]) == (1, 1)
    # Nothing left to ask about.
    assert await store.claim_validations("w", DUE + timedelta(days=1), LEASE, 10) == []


@contract("finish_validation", "claim_validations")
async def test_a_retry_waits_and_a_refund_meanwhile_wins(store: Store) -> None:
    campaign = await make_campaign(store, **CHECKED)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001")
    first, second = await store.claim_validations("w", DUE, LEASE, 10)
    later = DUE + timedelta(hours=1)
    assert (
        await store.finish_validation(
            first.reward_id, "w", verdict="retry", reason="HTTP 503", retry_at=later, now=DUE
        )
        is True
    )
    # Just before its retry time only the other reward, whose lease ran out, is free again.
    [taken] = await store.claim_validations("w2", later - timedelta(microseconds=1), LEASE, 10)
    assert taken.reward_id == second.reward_id
    [again] = await store.claim_validations("w2", later, LEASE, 10)
    assert (again.reward_id, again.attempts) == (first.reward_id, 1)
    # The order is refunded while the shop is being asked: its verdict no longer applies.
    await store.record_refund("r", "shop", "1001", later)
    assert (
        await store.finish_validation(
            again.reward_id, "w2", verdict="approved", reason=None, retry_at=None, now=later
        )
        is False
    )
    # w lost its lease on the other reward to w2.
    assert (
        await store.finish_validation(
            second.reward_id, "w", verdict="retry", reason=None, retry_at=None, now=later
        )
        is False
    )
    assert {r.status for r in await store.list_rewards()} == {"revoked"}
