"""Contract: store credit and referrers' coupons, issued the moment their rewards are approved.
The ledger: an entry per credit reward (once), spends once per idempotency key, never below
zero, also when checkouts spend one balance at once. Coupons: one code per reward, from the
pool first, then generated."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage.base import Store
from shareback.storage.records import PoolUpload
from store_contract import T0, at, contract, covers, join, listen, make_campaign, refer, run, sent
from store_contract_parallel import parallel

HOLD = timedelta(days=14)
MODES = [pytest.param("loop"), pytest.param("processes", marks=pytest.mark.postgres)]


async def credited_friend(store: Store, friends: int = 1) -> None:
    """Femke (and others) referred by Anna: €10 credit each, approved after the hold."""
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    for n in range(friends):
        email = "Femke@Example.com" if n == 0 else f"f{n}@example.com"
        await refer(store, campaign, anna, f"o{n}", email)
    await store.approve_due_rewards(T0 + HOLD)


@contract("credit_balance", "redeem_credit")
async def test_approved_credit_lands_in_the_ledger_and_is_spent_once_per_key(store: Store) -> None:
    await listen(store)
    assert (await store.credit_balance("femke@example.com", "EUR")).balance_minor == 0
    await credited_friend(store)
    balance = await store.credit_balance("femke@example.com", "EUR")
    [entry] = balance.entries
    assert (balance.balance_minor, entry.kind, entry.amount_minor) == (1000, "reward", 1000)
    [friend] = await store.list_rewards(side="friend")
    assert (friend.status, friend.fulfilled_ref) == ("fulfilled", f"credit_entry:{entry.id}")
    assert (await store.credit_balance("femke@example.com", "USD")).balance_minor == 0

    spend = await store.redeem_credit("femke@example.com", "EUR", 400, "k1", "o9", "api", at(20))
    assert (spend.status, spend.amount_minor, spend.balance_minor) == ("redeemed", 400, 600)
    again = await store.redeem_credit("femke@example.com", "EUR", 400, "k1", "o9", "api", at(21))
    assert (again.status, again.entry_id, again.balance_minor) == ("replayed", spend.entry_id, 600)
    too_much = await store.redeem_credit("femke@example.com", "EUR", 601, "k2", None, "api", at(21))
    assert (too_much.status, too_much.amount_minor, too_much.balance_minor) == (
        "insufficient",
        0,
        600,
    )
    rest = await store.redeem_credit(
        "femke@example.com", "EUR", 9999, "k3", "o10", "webhook:shop", at(22), up_to_balance=True
    )
    assert (rest.status, rest.amount_minor, rest.balance_minor) == ("redeemed", 600, 0)
    ledger = await store.credit_balance("femke@example.com", "EUR")
    assert [(e.kind, e.amount_minor, e.idempotency_key) for e in ledger.entries] == [
        ("reward", 1000, None),
        ("redemption", -400, "k1"),
        ("redemption", -600, "k3"),
    ]
    # Approving again (nothing is pending) adds nothing.
    assert await store.approve_due_rewards(T0 + HOLD * 2) == 0
    assert (await store.credit_balance("femke@example.com", "EUR")).balance_minor == 0


@covers("redeem_credit")
@pytest.mark.parametrize("mode", MODES)
def test_checkouts_spending_one_balance_at_once_never_spend_it_twice(
    settings: Settings, mode: str
) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        await credited_friend(store)  # €10
        return {}

    run(settings.database_url, prepare)
    spent = parallel(settings.database_url, mode, "spend_credit", {}, 8)
    assert Counter(spent) == {"redeemed": 2, "insufficient": 6}  # twice €5 of €10
    same_key = parallel(settings.database_url, mode, "spend_credit", {"key": "one"}, 8)
    assert Counter(same_key) == {"insufficient": 8}  # the balance is spent already

    async def check(store: Store) -> None:
        balance = await store.credit_balance("femke@example.com", "EUR")
        assert balance.balance_minor == 0 and len(balance.entries) == 3

    run(settings.database_url, check)


@covers("redeem_credit")
def test_one_key_from_many_checkouts_is_one_spend(settings: Settings) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        await credited_friend(store)
        return {}

    run(settings.database_url, prepare)
    answers = parallel(settings.database_url, "loop", "spend_credit", {"key": "order-1"}, 8)
    assert Counter(answers) == {"redeemed": 1, "replayed": 7}


@contract("add_reward_codes", "reward_coupons")
async def test_a_referrers_coupon_comes_from_the_pool_then_is_generated(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store, referrer_reward=RewardSpec("coupon", "10"))
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    upload = await store.add_reward_codes(
        campaign.id, ["THANKYOU-1", "THANKYOU-1", "ANNA10"], at(0)
    )
    assert upload == PoolUpload(added=1, duplicates=1, conflicts=1, remaining=1)
    assert await store.reward_coupons(anna.id) == []
    await refer(store, campaign, anna, "o1", "f1@example.com")
    await refer(store, campaign, anna, "o2", "f2@example.com")
    await store.approve_due_rewards(T0 + HOLD)
    coupons = await store.reward_coupons(anna.id)
    assert coupons[0] == "THANKYOU-1" and coupons[1].startswith("THANKS-") and len(coupons) == 2
    referrers = await store.list_rewards(side="referrer")
    assert {(r.status, r.fulfilment) for r in referrers} == {("fulfilled", "coupon")}
    assert sorted(r.fulfilled_ref or "" for r in referrers) == sorted(
        f"coupon:{c}" for c in coupons
    )
    assert (await sent(store))["reward.fulfilled"] == 4  # two coupons, two friends' credit
    # A code in use is no longer in the pool.
    again = await store.add_reward_codes(campaign.id, ["THANKYOU-1"], at(30))
    assert (again.added, again.duplicates, again.remaining) == (0, 1, 0)
