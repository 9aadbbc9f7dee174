"""Contract: cash rewards paid by bank transfer. Advocates' accounts, batches of approved cash
rewards (a reward in at most one batch, ever, also when owners make batches at once), and a
batch marked paid fulfilling its rewards once, audited and announced."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from shareback import payouts
from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage.base import Store
from shareback.storage.records import BatchRefusal, Campaign
from store_contract import (
    T0,
    assert_moment,
    at,
    contract,
    covers,
    join,
    listen,
    make_campaign,
    refer,
    run,
    sent,
)
from store_contract_parallel import parallel

HOLD = timedelta(days=14)
CASH = RewardSpec("cash", "7.50")
ANNA = payouts.account("Anna de Vries", "NL91 ABNA 0417 1643 00")
BRAM = payouts.account("Bram Bakker", "DE89370400440532013000")


async def cash_campaign(store: Store) -> Campaign:
    return await make_campaign(store, referrer_reward=CASH, friend_reward=RewardSpec("credit", "5"))


async def approved_cash(store: Store, orders: int = 2) -> tuple[Campaign, list[int]]:
    """Anna and Bram each referred friends; the hold ended; the cash rewards are approved."""
    campaign = await cash_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    bram = await join(store, campaign, "bram@example.nl", "Bram")
    for n in range(orders):
        advocate = anna if n % 2 == 0 else bram
        await refer(store, campaign, advocate, f"o{n}", f"friend{n}@example.com")
    await store.approve_due_rewards(T0 + HOLD)
    await store.set_payout_account(anna.id, ANNA, "owner", at(1))
    await store.set_payout_account(bram.id, BRAM, "owner", at(1))
    return campaign, [r.reward_id for r in await store.payable_rewards(campaign.id)]


@contract("set_payout_account", "payout_account", "payable_rewards")
async def test_accounts_are_kept_per_advocate_and_cash_waits_for_a_batch(store: Store) -> None:
    campaign = await cash_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    assert await store.payout_account(anna.id) is None
    await refer(store, campaign, anna, "o1")
    assert await store.payable_rewards() == []  # pending: not yet
    await store.approve_due_rewards(T0 + HOLD)
    [payable] = await store.payable_rewards(campaign.id)
    assert (payable.amount_minor, payable.clawed_back_minor, payable.account) == (750, 0, None)
    await store.set_payout_account(anna.id, ANNA, "owner", at(1))
    await store.set_payout_account(anna.id, BRAM, "finance", at(2))  # changed
    assert await store.payout_account(anna.id) == BRAM
    [payable] = await store.payable_rewards()
    assert payable.account == BRAM and payable.advocate_code == anna.code
    assert await store.payable_rewards(campaign.id + 1000) == []


@contract("create_payout_batch", "payout_batch", "payout_batches")
async def test_a_batch_takes_the_payable_and_says_why_it_left_the_rest(store: Store) -> None:
    await listen(store)
    _, ids = await approved_cash(store, 2)
    friends = [r.id for r in await store.list_rewards(side="friend")]
    batch, refused = await store.create_payout_batch(
        [*ids, ids[0], friends[0], 99999], "owner", at(20)
    )
    assert batch is not None
    assert (batch.status, batch.currency, batch.total_minor, batch.created_by) == (
        "open",
        "EUR",
        1500,
        "owner",
    )
    assert_moment(batch.created_at, at(20))
    assert [(i.reward_id, i.amount_minor, i.account) for i in batch.items] == [
        (ids[0], 750, ANNA),
        (ids[1], 750, BRAM),
    ]
    assert refused == [
        BatchRefusal(friends[0], "not_payable"),
        BatchRefusal(99999, "unknown_reward"),
    ]
    # Never twice: the same rewards again are refused, and nothing is payable any more.
    again, why = await store.create_payout_batch(ids, "owner", at(21))
    assert again is None and {r.reason for r in why} == {"already_in_a_batch"}
    assert await store.payable_rewards() == []
    assert await store.payout_batch(batch.id) == batch
    assert await store.payout_batch(batch.id + 1) is None
    [listed] = await store.payout_batches()
    assert (listed.id, len(listed.items)) == (batch.id, 2)
    assert (await sent(store))["payout_batch.created"] == 1


@contract("create_payout_batch")
async def test_a_batch_pays_what_clawbacks_left_and_needs_an_account(store: Store) -> None:
    campaign = await cash_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    carl = await join(store, campaign, "carl@example.nl", "Carl")
    await refer(store, campaign, anna, "o1", "f1@example.com")
    await refer(store, campaign, anna, "o2", "f2@example.com")
    await refer(store, campaign, carl, "o3", "f3@example.com")
    await store.approve_due_rewards(T0 + HOLD)
    await store.set_payout_account(anna.id, ANNA, "owner", at(1))
    ids = {r.order_id: r.id for r in await store.list_rewards(side="referrer")}
    await store.record_refund("r-2", "shop", "o2", at(15))  # claws Anna's second back whole
    batch, refused = await store.create_payout_batch(
        [ids["o1"], ids["o2"], ids["o3"]], "owner", at(20)
    )
    assert batch is not None and [i.reward_id for i in batch.items] == [ids["o1"]]
    assert refused == [
        BatchRefusal(ids["o2"], "nothing_owed"),
        BatchRefusal(ids["o3"], "no_payout_account"),
    ]
    nothing, why = await store.create_payout_batch([ids["o2"]], "owner", at(21))
    assert nothing is None and why == [BatchRefusal(ids["o2"], "nothing_owed")]


@contract("mark_payout_batch_paid", "reward_history")
async def test_a_paid_batch_fulfils_its_rewards_once(store: Store) -> None:
    await listen(store)
    _, ids = await approved_cash(store, 2)
    batch, _ = await store.create_payout_batch(ids, "owner", at(20))
    assert batch is not None
    paid = await store.mark_payout_batch_paid(batch.id, "finance@example.nl", at(22))
    assert paid is not None and (paid.status, paid.paid_by) == ("paid", "finance@example.nl")
    assert_moment(paid.paid_at, at(22))
    for reward_id in ids:
        reward = await store.reward(reward_id)
        assert reward is not None
        assert (reward.status, reward.fulfilled_ref) == ("fulfilled", f"payout_batch:{batch.id}")
        assert_moment(reward.fulfilled_at, at(22))
        last = (await store.reward_history(reward_id))[-1]
        assert (last.from_status, last.to_status, last.reason, last.actor) == (
            "approved",
            "fulfilled",
            f"paid in payout batch {batch.id}",
            "finance@example.nl",
        )
    assert await store.mark_payout_batch_paid(batch.id, "owner", at(23)) is None
    assert await store.mark_payout_batch_paid(batch.id + 1, "owner", at(23)) is None
    counts = await sent(store)
    # Two payouts, and the two friends' credit (added when it was approved).
    assert (counts["payout_batch.paid"], counts["reward.fulfilled"]) == (1, 4)
    # A second batch never picks up a paid reward.
    again, why = await store.create_payout_batch(ids, "owner", at(24))
    assert again is None and {r.reason for r in why} == {"already_in_a_batch"}


MODES = [pytest.param("loop"), pytest.param("processes", marks=pytest.mark.postgres)]


@covers("create_payout_batch")
@pytest.mark.parametrize("mode", MODES)
def test_owners_making_batches_at_once_never_put_a_reward_in_two(
    settings: Settings, mode: str
) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        _, ids = await approved_cash(store, 12)
        return {"reward_ids": ids}

    setup = run(settings.database_url, prepare)
    results = parallel(settings.database_url, mode, "make_batch", setup, 8)
    taken = Counter(reward_id for got in results for reward_id in got)
    assert set(taken) == set(setup["reward_ids"]) and set(taken.values()) == {1}

    async def check(store: Store) -> None:
        batches = await store.payout_batches()
        assert sum(len(b.items) for b in batches) == 12
        assert await store.payable_rewards() == []

    run(settings.database_url, check)
