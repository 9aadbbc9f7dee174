"""Contract: what the owner reads and decides: paged lists, rewards and their history, the
leaderboard and the activity feed, on every engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import TypeVar

from shareback.storage.base import Store
from shareback.storage.records import ActivityItem
from store_contract import (
    T0,
    assert_moment,
    at,
    contract,
    join,
    listen,
    make_campaign,
    refer,
    sent,
)

T = TypeVar("T")


async def walk(
    page: Callable[[int | None], Awaitable[list[T]]], key: Callable[[T], int]
) -> list[T]:
    """Every row of a paged list, a page at a time."""
    seen: list[T] = []
    before = None
    while rows := await page(before):
        seen += rows
        before = key(rows[-1])
    return seen


@contract("list_advocates")
async def test_advocates_are_listed_newest_first_filtered_and_paged(store: Store) -> None:
    spring = await make_campaign(store)
    summer = await make_campaign(store, slug="summer")
    anna = await join(store, spring, "anna@example.nl", "Anna de Vries")
    mark = await join(store, spring, "mark_100%@example.nl", "Mark")
    zoe = await join(store, summer, "zoe@example.nl", "Zoë")
    await store.record_click(anna.id, "t1", "email", "ip", "mobile", at(hours=1))
    await store.record_click(anna.id, "t2", "email", "ip", "bot", at(hours=1))
    await refer(store, spring, anna, "1001")

    everyone = await store.list_advocates()
    assert [a.id for a in everyone] == [zoe.id, mark.id, anna.id]
    listed = everyone[-1]
    assert (
        listed.campaign_id,
        listed.campaign_slug,
        listed.email,
        listed.name,
        listed.code,
        listed.coupon_code,
        listed.verified,
        listed.clicks,
        listed.referrals,
    ) == (spring.id, "spring", "anna@example.nl", "Anna de Vries", anna.code, "ANNA10", False, 1, 1)
    assert_moment(listed.created_at, T0)
    assert [a.id for a in await store.list_advocates(campaign_id=summer.id)] == [zoe.id]
    paged = await walk(lambda before: store.list_advocates(before=before, limit=2), lambda a: a.id)
    assert paged == everyone
    assert await store.list_advocates(limit=1) == everyone[:1]
    # Search (people_search.py): the start of an e-mail address or of a referral or coupon code,
    # any part of a name, in any case; % and _ are only characters.
    for search, found in (
        ("ANNA@", [anna.id]),
        ("de vries", [anna.id]),
        ("VRIE", [anna.id]),
        (anna.code.lower(), [anna.id]),
        (anna.code[:6].lower(), [anna.id]),
        ("anna10", [anna.id]),
        ("mark_100%", [mark.id]),
        ("mark_", [mark.id]),
        ("100%", []),  # not the start of the address
        ("%", []),
        ("_", []),
        ("nobody", []),
    ):
        assert [a.id for a in await store.list_advocates(search=search)] == found, search
    assert await store.list_advocates(campaign_id=summer.id, search="anna") == []


@contract("list_referrals")
async def test_referrals_are_listed_by_campaign_and_paid_time(store: Store) -> None:
    spring = await make_campaign(store)
    summer = await make_campaign(store, slug="summer")
    anna = await join(store, spring, "anna@example.nl", "Anna")
    zoe = await join(store, summer, "zoe@example.nl", "Zoe")
    ids = [
        (await refer(store, spring, anna, f"o{n}", f"f{n}@example.com", paid_at=at(n))).referral_id
        for n in range(4)
    ]
    other = (await refer(store, summer, zoe, "z1", "zf@example.com", paid_at=at(1))).referral_id
    assert [r.id for r in await store.list_referrals()] == [other, *reversed(ids)]
    assert [r.id for r in await store.list_referrals(campaign_id=spring.id)] == ids[::-1]
    # since is inclusive, until exclusive, to the microsecond.
    window = await store.list_referrals(campaign_id=spring.id, since=at(1), until=at(3))
    assert [r.id for r in window] == [ids[2], ids[1]]
    assert [r.id for r in await store.list_referrals(until=at(3, microseconds=1))][-1] == ids[0]
    assert await store.list_referrals(since=at(3, microseconds=1)) == []
    paged = await walk(lambda before: store.list_referrals(before=before, limit=2), lambda r: r.id)
    assert paged == await store.list_referrals()
    assert [r.friend_email for r in window] == ["f2@example.com", "f1@example.com"]


@contract("list_rewards", "reward")
async def test_rewards_are_listed_by_status_side_and_campaign(store: Store) -> None:
    spring = await make_campaign(store)
    summer = await make_campaign(store, slug="summer")
    anna = await join(store, spring, "anna@example.nl", "Anna")
    zoe = await join(store, summer, "zoe@example.nl", "Zoe")
    await refer(store, spring, anna, "o1", "f1@example.com")
    await refer(store, summer, zoe, "z1", "f2@example.com")
    await store.record_refund("r1", "shop", "z1", at(1))
    everything = await store.list_rewards()
    assert len(everything) == 4 and [r.id for r in everything] == sorted(
        (r.id for r in everything), reverse=True
    )
    assert {(r.campaign_slug, r.status) for r in await store.list_rewards(status="revoked")} == {
        ("summer", "revoked")
    }
    friends = await store.list_rewards(side="friend", campaign_id=spring.id)
    assert [(r.side, r.email, r.order_id, r.advocate_code) for r in friends] == [
        ("friend", "f1@example.com", "o1", anna.code)
    ]
    assert await store.list_rewards(status="approved") == []
    paged = await walk(lambda before: store.list_rewards(before=before, limit=3), lambda r: r.id)
    assert paged == everything
    for listed in everything:
        assert await store.reward(listed.id) == listed
    assert await store.reward(max(r.id for r in everything) + 100) is None


@contract("change_rewards", "reward_history")
async def test_owner_decisions_move_pending_rewards_once_with_actor_and_reason(
    store: Store,
) -> None:
    await listen(store)
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "o1", "f1@example.com")
    await refer(store, campaign, anna, "o2", "f2@example.com")
    ids = sorted(r.id for r in await store.list_rewards())
    assert await store.reward_history(ids[0]) == []

    changed, refused = await store.change_rewards(
        [ids[0], ids[1], ids[0]], "approved", None, "owner@shop.example", at(1)
    )
    assert [r.id for r in changed] == ids[:2] and refused == []
    assert {r.status for r in changed} == {"fulfilled"}  # coupon and credit: issued at once
    for reward in changed:
        assert_moment(reward.approved_at, at(1))
    unknown = ids[-1] + 100
    changed, refused = await store.change_rewards(
        [ids[0], ids[2], unknown], "revoked", "fraud", "owner@shop.example", at(2)
    )
    assert [r.id for r in changed] == [ids[2]] and refused == [ids[0], unknown]
    [revoked] = changed
    assert (revoked.status, revoked.revoke_reason) == ("revoked", "fraud")
    assert_moment(revoked.revoked_at, at(2))
    # Decided rewards stay decided: neither approval nor revocation moves them again.
    assert await store.change_rewards(ids[:3], "approved", None, "x", at(3)) == ([], ids[:3])
    assert await store.change_rewards([], "approved", None, "x", at(3)) == ([], [])
    [change] = await store.reward_history(ids[2])
    assert (
        change.reward_id,
        change.from_status,
        change.to_status,
        change.reason,
        change.actor,
    ) == (
        ids[2],
        "pending",
        "revoked",
        "fraud",
        "owner@shop.example",
    )
    assert_moment(change.at, at(2))
    assert await store.reward_history(unknown) == []
    events = await sent(store)
    assert (events["reward.approved"], events["reward.revoked"]) == (2, 1)


@contract("leaderboard")
async def test_the_leaderboard_ranks_by_conversions_then_kept_revenue(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    mark = await join(store, campaign, "mark@example.nl", "Mark")
    zoe = await join(store, campaign, "zoe@example.nl", None)
    for n, (who, total) in enumerate(((anna, 1000), (anna, 2000), (mark, 5000), (mark, 9000))):
        await refer(store, campaign, who, f"o{n}", f"f{n}@example.com", total, at(hours=n))
    await refer(store, campaign, zoe, "late", "late@example.com", 99999, at(5))  # out of range
    await store.record_refund("r", "shop", "o3", at(1))  # Mark's 90.00 is refunded: worth 0
    await store.record_click(anna.id, "t1", "email", "ip", "mobile", at(hours=1))
    await store.record_click(anna.id, "t2", "email", "ip", "bot", at(hours=1))
    await store.record_click(anna.id, "t3", "email", "ip", "mobile", at(-3))  # out of range
    board = await store.leaderboard(campaign.id, T0, at(1))
    assert [
        (r.advocate_id, r.code, r.name, r.email, r.clicks, r.conversions, r.revenue_minor)
        for r in board
    ] == [
        (mark.id, mark.code, "Mark", "mark@example.nl", 0, 2, 5000),
        (anna.id, anna.code, "Anna", "anna@example.nl", 1, 2, 3000),
    ]
    assert all(type(r.revenue_minor) is int for r in board)
    assert [r.advocate_id for r in await store.leaderboard(campaign.id, T0, at(1), 1)] == [mark.id]
    assert await store.leaderboard(campaign.id, at(10), at(11)) == []


@contract("activity")
async def test_the_feed_merges_the_newest_of_every_kind(store: Store) -> None:
    spring = await make_campaign(store)
    summer = await make_campaign(store, slug="summer")
    anna = await join(store, spring, "anna@example.nl", "Anna", when=at(0))
    zoe = await join(store, summer, "zoe@example.nl", None, when=at(0, hours=1))
    await store.record_click(anna.id, "t1", "whatsapp", "ip", "mobile", at(0, hours=2))
    await store.record_click(anna.id, "t2", "email", "ip", "bot", at(0, hours=3))
    await refer(store, spring, anna, "1001", paid_at=at(0, hours=4))
    await store.approve_due_rewards(at(20))
    feed = await store.activity(spring.id)
    # Approved, and issued at once (the coupon and the credit): four changes at one moment.
    assert sorted(feed[:4], key=lambda item: item.kind) == [
        ActivityItem("reward_approved", at(20), anna.code, "scheduler"),
        ActivityItem("reward_approved", at(20), anna.code, "scheduler"),
        ActivityItem("reward_fulfilled", at(20), anna.code, "scheduler"),
        ActivityItem("reward_fulfilled", at(20), anna.code, "scheduler"),
    ]
    assert feed[4:] == [
        ActivityItem("referral", at(0, hours=4), anna.code, "1001"),
        ActivityItem("click", at(0, hours=2), anna.code, "whatsapp"),
        ActivityItem("joined", T0, anna.code, "Anna"),
    ]
    assert all(item.at.tzinfo is UTC for item in feed)
    assert [i.kind for i in await store.activity(spring.id, limit=5)][4] == "referral"
    everywhere = await store.activity(None)
    assert ActivityItem("joined", at(0, hours=1), zoe.code, "") in everywhere
    assert len(everywhere) == 8
    assert await store.activity(summer.id) == [ActivityItem("joined", at(0, hours=1), zoe.code, "")]
