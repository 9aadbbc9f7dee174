"""Contract: codes typed at checkouts: whose a code is, the referrer look-up, friends' codes from a
pool or generated, on every engine."""

from __future__ import annotations

import re
from datetime import timedelta

from shareback.rewards import RewardSpec
from shareback.storage.base import Store
from shareback.storage.records import CodeOwner, PoolStatus, PoolUpload, Referrer
from store_contract import T0, at, contract, join, listen, make_campaign, sent


@contract("code_owner")
async def test_a_code_names_its_advocate_and_how(store: Store) -> None:
    campaign = await make_campaign(store, friend_fulfilment="generated", friend_code_prefix="HALLO")
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    assert anna.coupon_code is not None
    assert await store.code_owner(anna.code) == CodeOwner(anna, "referral")
    assert await store.code_owner(anna.coupon_code) == CodeOwner(anna, "coupon")
    friend = await store.issue_friend_code(campaign, anna.id, "click-1", T0)
    assert friend is not None
    assert await store.code_owner(friend) == CodeOwner(anna, "friend", "click-1")
    await store.add_pool_codes(campaign.id, ["POOL-1"], T0)
    assert await store.code_owner("POOL-1") is None  # in the pool, given to nobody yet
    assert await store.code_owner("NOBODY-2222") is None


@contract("find_referrers")
async def test_the_look_up_finds_exact_codes_then_names_of_active_advocates(store: Store) -> None:
    campaign = await make_campaign(store)
    other = await make_campaign(store, slug="other")
    anna = await join(store, campaign, "anna@example.nl", "Anna de Vries", findable=True)
    annie = await join(store, campaign, "annie@example.nl", "Annie Bakker", findable=True)
    bert = await join(store, campaign, "bert@example.nl", "Bert Anner", findable=True)
    quiet = await join(store, campaign, "quiet@example.nl", "Anna Quiet", findable=True)
    elsewhere = await join(store, other, "ann@example.nl", "Ann Elsewhere", findable=True)
    await store.record_event(campaign.id, anna.id, "share", "whatsapp", T0)
    await store.record_click(annie.id, "t1", "email", "ip", "mobile", T0)
    await store.record_click(annie.id, "t2", "email", "ip2", "mobile", T0)
    await store.record_click(bert.id, "t3", "email", "ip", "mobile", T0)
    await store.record_event(other.id, elsewhere.id, "share", None, T0)
    await store.record_event(campaign.id, quiet.id, "open", None, T0)  # opening is not sharing
    assert anna.coupon_code is not None
    # Exact codes (either kind, any case) first; then name prefixes, whole-name ones first,
    # then the most clicked. Advocates who never shared or were clicked are never listed.
    assert await store.find_referrers(campaign.id, anna.code.lower(), 5) == [
        Referrer(anna.code, "Anna de Vries", True)
    ]
    assert await store.find_referrers(campaign.id, anna.coupon_code, 5) == [
        Referrer(anna.code, "Anna de Vries", True)
    ]
    found = await store.find_referrers(campaign.id, "ann", 5)
    assert found == [
        Referrer(annie.code, "Annie Bakker", False),
        Referrer(anna.code, "Anna de Vries", False),
        Referrer(bert.code, "Bert Anner", False),
    ]
    assert await store.find_referrers(campaign.id, "ann", 1) == found[:1]
    assert await store.find_referrers(campaign.id, "Anna D", 5) == [found[1]]
    assert await store.find_referrers(campaign.id, "vries", 5) == [found[1]]
    assert await store.find_referrers(campaign.id, "%", 5) == []
    assert await store.find_referrers(campaign.id, "quiet", 5) == []
    assert await store.find_referrers(other.id, "ann", 5) == [
        Referrer(elsewhere.code, "Ann Elsewhere", False)
    ]
    # Shared, but never chose to be found: neither by name nor by code.
    shy = await join(store, campaign, "shy@example.nl", "Annabel Shy")
    await store.record_event(campaign.id, shy.id, "share", "whatsapp", T0)
    assert shy.coupon_code is not None
    assert await store.find_referrers(campaign.id, "annabel", 5) == []
    assert await store.find_referrers(campaign.id, shy.coupon_code, 5) == []


@contract("issue_friend_code", "friend_code_for_click")
async def test_a_generated_code_is_issued_once_per_click_and_announced(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(
        store,
        friend_fulfilment="generated",
        friend_code_prefix="HALLO",
        friend_reward=RewardSpec("percent_discount", "10"),
    )
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    assert await store.friend_code_for_click("click-1") is None
    code = await store.issue_friend_code(campaign, anna.id, "click-1", at(hours=1))
    assert code is not None and re.fullmatch(r"HALLO-[2-9A-HJKMNP-Z]{6}", code)
    assert await store.issue_friend_code(campaign, anna.id, "click-1", at(hours=2)) == code
    assert await store.friend_code_for_click("click-1") == code
    second = await store.issue_friend_code(campaign, anna.id, "click-2", at(hours=2))
    assert second is not None and second != code
    assert (await sent(store))["friend_code.issued"] == 2
    issued = [
        d
        for d in await store.claim_deliveries("w", at(1), timedelta(minutes=5), 10)
        if d.type == "friend_code.issued"
    ]
    assert issued[0].payload == {
        "campaign": "spring",
        "friend_code": {
            "code": code,
            "single_use": True,
            "issued_at": "2025-06-01T10:30:15Z",
            "reward": {
                "type": "percent_discount",
                "value": "10",
                "currency": "EUR",
                "description": {
                    "en": "10% off",
                    "nl": "10% korting",
                    "de": "10% Rabatt",
                    "fr": "10% de réduction",
                },
            },
        },
        "advocate": {
            "code": anna.code,
            "coupon_code": anna.coupon_code,
            "email": "anna@example.nl",
            "name": "Anna",
        },
    }
    assert await store.pool_status(campaign.id) == PoolStatus(0, 0)  # generated, not pooled


@contract("issue_friend_code", "friend_code_for_click")
async def test_link_and_shared_code_campaigns_issue_no_codes(store: Store) -> None:
    link = await make_campaign(store)
    shared = await make_campaign(
        store, slug="shared", friend_fulfilment="shared_code", friend_code="WELKOM10"
    )
    anna = await join(store, link, "anna@example.nl", "Anna")
    assert await store.issue_friend_code(link, anna.id, "click-1", T0) is None
    assert await store.issue_friend_code(shared, anna.id, "click-2", T0) is None
    assert await store.friend_code_for_click("click-1") is None


@contract("issue_friend_code", "pool_status")
async def test_pool_codes_go_in_upload_order_once_each_until_none_is_left(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store, friend_fulfilment="pool", friend_code="FALLBACK")
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await store.add_pool_codes(campaign.id, ["Pool-B", "pool-a"], T0)
    assert await store.pool_status(campaign.id) == PoolStatus(2, 0)
    assert await store.issue_friend_code(campaign, anna.id, "c1", at(1)) == "Pool-B"
    assert await store.issue_friend_code(campaign, anna.id, "c1", at(1)) == "Pool-B"
    assert await store.issue_friend_code(campaign, anna.id, "c2", at(1)) == "pool-a"
    assert await store.issue_friend_code(campaign, anna.id, "c3", at(1)) is None
    assert await store.friend_code_for_click("c3") is None
    assert await store.pool_status(campaign.id) == PoolStatus(0, 2)
    # Said once, when the last code went.
    assert (await sent(store))["friend_code.pool_exhausted"] == 1
    other = await make_campaign(store, slug="other")
    assert await store.pool_status(other.id) == PoolStatus(0, 0)


@contract("add_pool_codes")
async def test_an_upload_adds_only_codes_nobody_has(store: Store) -> None:
    campaign = await make_campaign(store, friend_fulfilment="pool")
    await make_campaign(store, slug="shared", friend_code="Welkom10")
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    assert anna.coupon_code is not None
    assert await store.add_pool_codes(campaign.id, [], T0) == PoolUpload(0, 0, 0, 0)
    first = await store.add_pool_codes(campaign.id, ["A-1", "A-2", "a-1"], T0)
    assert first == PoolUpload(added=2, duplicates=1, conflicts=0, remaining=2)
    second = await store.add_pool_codes(
        campaign.id,
        ["A-2", "A-3", anna.coupon_code.lower(), anna.code, "WELKOM10"],
        at(1),
    )
    assert second == PoolUpload(added=1, duplicates=1, conflicts=3, remaining=3)
    # A code in another campaign's pool is a duplicate too: codes are one namespace.
    other = await make_campaign(store, slug="other", friend_fulfilment="pool")
    assert await store.add_pool_codes(other.id, ["A-3", "B-1"], at(2)) == PoolUpload(1, 1, 0, 1)
    assert await store.pool_status(campaign.id) == PoolStatus(3, 0)
    assert all(type(n) is int for n in (second.added, second.duplicates, second.remaining))
