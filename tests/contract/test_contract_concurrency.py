"""Contract under real concurrency: many callers at once on four stores of one database (one event
loop), and on PostgreSQL also from four OS processes. What SQLite's single writer makes safe
must stay safe under PostgreSQL's concurrent transactions."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from shareback import codes
from shareback.settings import Settings
from shareback.storage.base import Store
from shareback.storage.records import PoolStatus
from store_contract import T0, covers, join, listen, make_campaign, refer, run, sent
from store_contract_parallel import parallel
from support import db_rows

MODES = [pytest.param("loop"), pytest.param("processes", marks=pytest.mark.postgres)]
DUE = T0 + timedelta(days=14)


def seed(settings: Settings, scenario: Any) -> Any:
    return run(settings.database_url, scenario)


@covers("advocate_for")
@pytest.mark.parametrize("mode", MODES)
def test_one_address_from_20_callers_is_one_advocate(settings: Settings, mode: str) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        await listen(store)
        return {"campaign_id": (await make_campaign(store)).id}

    setup = seed(settings, prepare)
    results = parallel(settings.database_url, mode, "join_same", setup, 20)
    assert Counter(created for *_, created in results) == {True: 1, False: 19}
    assert len({tuple(result[:3]) for result in results}) == 1

    async def check(store: Store) -> None:
        assert len(await store.list_advocates()) == 1
        assert await sent(store) == {"advocate.created": 1}

    seed(settings, check)


@covers("advocate_for")
@pytest.mark.parametrize("mode", MODES)
def test_40_annas_at_once_get_40_codes_and_40_coupons(settings: Settings, mode: str) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        return {"campaign_id": (await make_campaign(store)).id}

    results = parallel(settings.database_url, mode, "join_many", seed(settings, prepare), 40)
    assert all(created for *_, created in results)
    assert len({code for _, code, _, _ in results}) == 40
    coupons = {coupon for _, _, coupon, _ in results}
    assert len(coupons) == 40 and "ANNA10" in coupons
    assert all(coupon.startswith("ANNA10") for coupon in coupons)
    stored = seed(settings, lambda store: store.list_advocates(limit=100))
    assert {a.coupon_code for a in stored} == coupons


@covers("record_paid_order")
@pytest.mark.parametrize("mode", MODES)
def test_one_order_under_50_message_ids_is_recorded_once(settings: Settings, mode: str) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        await listen(store)
        campaign = await make_campaign(store)
        anna = await join(store, campaign, "anna@example.nl", "Anna")
        return {"campaign_id": campaign.id, "advocate_id": anna.id}

    results = parallel(settings.database_url, mode, "deliver_order", seed(settings, prepare), 50)
    assert Counter((status, reason) for status, reason, _ in results) == {
        ("recorded", "referral"): 1,
        ("duplicate", "order_already_recorded"): 49,
    }

    async def check(store: Store) -> None:
        assert len(await store.list_referrals()) == 1
        assert len(await store.list_rewards()) == 2
        assert await sent(store) == {
            "advocate.created": 1,
            "referral.converted": 1,
            "reward.created": 2,
        }

    seed(settings, check)


@covers("claim_deliveries", "finish_delivery")
@pytest.mark.parametrize("mode", MODES)
def test_four_workers_claim_each_delivery_once(settings: Settings, mode: str) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        await listen(store)
        campaign = await make_campaign(store)
        for n in range(30):
            await join(store, campaign, f"a{n}@example.nl", "Anna")
        return {"now": T0.isoformat()}

    results = parallel(settings.database_url, mode, "drain_deliveries", seed(settings, prepare), 4)
    claimed = [delivery_id for worker in results for delivery_id, _ in worker]
    assert all(finished for worker in results for _, finished in worker)

    async def check(store: Store) -> None:
        deliveries = await store.list_deliveries(limit=100)
        assert len(deliveries) == 30
        assert sorted(claimed) == sorted(d.id for d in deliveries)  # each exactly once
        assert {d.status for d in deliveries} == {"delivered"}
        for delivery in deliveries:
            assert len(await store.delivery_attempts(delivery.id)) == 1

    seed(settings, check)


async def ten_referrals(store: Store, **campaign_fields: Any) -> None:
    await listen(store)
    campaign = await make_campaign(store, **campaign_fields)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    for n in range(10):
        await refer(store, campaign, anna, f"o{n}", f"f{n}@example.com")


async def approved_once_each(store: Store, actor: str) -> None:
    """Approved once each, and issued once each: the referrer's coupon (ten distinct codes) and
    the friend's credit (one ledger entry each), however many workers ran at once."""
    rewards = await store.list_rewards(limit=100)
    assert len(rewards) == 20 and {r.status for r in rewards} == {"fulfilled"}
    for reward in rewards:
        history = await store.reward_history(reward.id)
        assert [(c.to_status, c.actor) for c in history] == [
            ("approved", actor),
            ("fulfilled", actor),
        ]
    coupons = [r.fulfilled_ref for r in rewards if r.fulfilment == "coupon"]
    assert len(coupons) == len(set(coupons)) == 10
    credit = await store.credit_balance("f0@example.com", "EUR")
    assert [e.amount_minor for e in credit.entries] == [1000]
    counts = await sent(store)
    assert (counts["reward.approved"], counts["reward.fulfilled"]) == (20, 20)


@covers("approve_due_rewards")
@pytest.mark.parametrize("mode", MODES)
def test_four_schedulers_approve_each_reward_once(settings: Settings, mode: str) -> None:
    seed(settings, ten_referrals)
    counts = parallel(settings.database_url, mode, "approve", {"now": DUE.isoformat()}, 4)
    assert sum(counts) == 20
    seed(settings, lambda store: approved_once_each(store, "scheduler"))


@covers("claim_validations", "finish_validation")
@pytest.mark.parametrize("mode", MODES)
def test_four_validation_workers_ask_about_each_reward_once(settings: Settings, mode: str) -> None:
    seed(
        settings,
        lambda store: ten_referrals(
            store, validation_url="https://shop.example/v", validation_secret="whsec_v"
        ),
    )
    results = parallel(
        settings.database_url, mode, "drain_validations", {"now": DUE.isoformat()}, 4
    )
    asked = [reward_id for worker in results for reward_id, _ in worker]
    assert len(asked) == 20 == len(set(asked))
    assert all(finished for worker in results for _, finished in worker)
    seed(settings, lambda store: approved_once_each(store, "validation callback"))


async def friend_setup(store: Store, **campaign_fields: Any) -> dict[str, Any]:
    await listen(store)
    campaign = await make_campaign(store, **campaign_fields)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    return {"campaign_id": campaign.id, "advocate_id": anna.id}


@covers("issue_friend_code")
@pytest.mark.parametrize("mode", MODES)
def test_one_click_asking_ten_times_at_once_gets_one_code(settings: Settings, mode: str) -> None:
    setup = seed(settings, lambda store: friend_setup(store, friend_fulfilment="generated"))
    issued = parallel(settings.database_url, mode, "code_for_one_click", setup, 10)
    assert len(set(issued)) == 1 and issued[0] is not None

    async def check(store: Store) -> None:
        assert await store.friend_code_for_click("click-1") == issued[0]
        assert (await sent(store))["friend_code.issued"] == 1

    seed(settings, check)


@covers("issue_friend_code", "add_pool_codes")
@pytest.mark.parametrize("mode", MODES)
def test_twenty_clicks_draw_a_pool_of_ten_each_code_once(settings: Settings, mode: str) -> None:
    async def prepare(store: Store) -> dict[str, Any]:
        setup = await friend_setup(store, friend_fulfilment="pool")
        await store.add_pool_codes(setup["campaign_id"], [f"POOL-{n}" for n in range(10)], T0)
        return setup

    setup = seed(settings, prepare)
    drawn = parallel(settings.database_url, mode, "code_per_click", setup, 20)
    codes_drawn = [code for code in drawn if code is not None]
    assert len(codes_drawn) == 10 == len(set(codes_drawn)) and drawn.count(None) == 10
    assert set(codes_drawn) == {f"POOL-{n}" for n in range(10)}

    async def check(store: Store) -> None:
        assert await store.pool_status(setup["campaign_id"]) == PoolStatus(0, 10)
        assert (await sent(store))["friend_code.pool_exhausted"] == 1

    seed(settings, check)


@covers("add_pool_codes", "advocate_for")
@pytest.mark.parametrize("mode", MODES)
def test_a_pool_upload_during_sign_ups_shares_no_code_with_a_coupon(
    settings: Settings, mode: str
) -> None:
    # ANNA10 and every two-character variant the next Annas would draw (ANNA10K7, …).
    candidates = ["ANNA10"] + [
        "ANNA10" + letter + char
        for letter, char in itertools.product(codes.LETTERS, codes.ALPHABET)
    ]

    async def prepare(store: Store) -> dict[str, Any]:
        return {"campaign_id": (await make_campaign(store, friend_fulfilment="pool")).id}

    setup = seed(settings, prepare) | {"codes": candidates}
    results = parallel(settings.database_url, mode, "upload_or_join", setup, 21)
    added, duplicates, conflicts, remaining = results[0]
    coupons = {coupon for _, _, coupon, _ in results[1:]}
    assert len(coupons) == 20
    assert duplicates == 0
    # Exactly the codes advocates held before the upload are conflicts; none is both.
    assert conflicts == len(coupons & set(candidates))
    assert added == remaining == len(candidates) - conflicts
    pooled = {row[0] for row in db_rows(settings, "SELECT code_key FROM friend_codes")}
    assert len(pooled) == added and not pooled & coupons


@covers("count_login_attempt")
@pytest.mark.parametrize("mode", MODES)
def test_40_simultaneous_sign_in_guesses_get_five_through(settings: Settings, mode: str) -> None:
    async def migrated(store: Store) -> dict[str, Any]:
        return {}

    results = parallel(settings.database_url, mode, "guess_password", seed(settings, migrated), 40)
    assert Counter(results) == {True: 5, False: 35}
    assert db_rows(settings, "SELECT COUNT(*) FROM login_failures")[0][0] == 10


async def two_factor_user(store: Store) -> dict[str, Any]:
    user = await store.create_admin_user("owner@shop.example", "h", T0)
    assert user is not None
    await store.begin_two_factor(user.id, "SECRET")
    await store.confirm_two_factor(user.id, "SECRET", 999, ["code-hash"], T0)
    return {"user_id": user.id}


@covers("use_totp_step")
@pytest.mark.parametrize("mode", MODES)
def test_one_code_sent_20_times_at_once_signs_in_once(settings: Settings, mode: str) -> None:
    setup = seed(settings, two_factor_user)
    results = parallel(settings.database_url, mode, "replay_totp_step", setup, 20)
    assert Counter(results) == {True: 1, False: 19}


@covers("use_recovery_code")
@pytest.mark.parametrize("mode", MODES)
def test_one_recovery_code_sent_20_times_at_once_is_used_once(
    settings: Settings, mode: str
) -> None:
    setup = seed(settings, two_factor_user)
    results = parallel(settings.database_url, mode, "replay_recovery_code", setup, 20)
    assert Counter(results) == {True: 1, False: 19}
