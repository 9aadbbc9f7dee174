"""Contract: migration 0033's counts per shop day (sharing advocates, advocates joined, conversions,
revenue, the K-factor's cohort, rewards and their cost, the shop's orders) give the numbers the
raw rows give, after every kind of change those rows go through: late share events, refunds whole
and partial, chargebacks, clawbacks, an owner's decisions, the hold's approvals, a friend's
checkout discount on an order that went back, an order in another currency, GDPR erasure, the
retention setting, a new time zone and `shareback db rebuild-rollups`."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from shareback import shop_days
from shareback.kpis import RawStats
from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.records import PartialRefund, RefundPart
from store_contract import candidate, covers, join, make_campaign, paid_order, refer

T = TypeVar("T")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC_ZONE = ZoneInfo("UTC")


def in_zone(url: str, zone: ZoneInfo, scenario: Callable[[Store], Awaitable[T]]) -> T:
    async def main() -> T:
        store = await open_store(url, 4, zone)
        try:
            await store.migrate()
            await store.ensure_rollups_zone()  # as every start does
            return await scenario(store)
        finally:
            await store.close()

    return asyncio.run(main())


def amsterdam(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=AMSTERDAM)


NOW = amsterdam("2026-12-01 12:00")
# The counts these tables keep (clicks and events have their own rollups and tests).
COUNTED = (
    "new_advocates",
    "sharing_advocates",
    "conversions",
    "refunded_conversions",
    "revenue_minor",
    "reward_cost_minor",
    "pending_rewards",
    "approved_rewards",
    "fulfilled_rewards",
    "revoked_rewards",
    "referred_orders",
    "referred_order_total_minor",
    "all_orders",
    "all_order_total_minor",
    "cohort_conversions",
)


def counted(stats: RawStats) -> dict[str, Any]:
    numbers: dict[str, Any] = {name: getattr(stats, name) for name in COUNTED}
    numbers["days"] = [
        (d.day, d.conversions, d.revenue_minor)
        for d in stats.days
        if d.conversions or d.revenue_minor
    ]
    return numbers


def ranges(today: date) -> list[tuple[date, date]]:
    found = [(today - timedelta(days=n - 1), today) for n in (1, 2, 7, 30, 90, 400)]
    found += [(today - timedelta(days=a), today - timedelta(days=b)) for a, b in ((45, 20), (9, 3))]
    found += [(today - timedelta(days=n), today - timedelta(days=n)) for n in range(0, 45)]
    return found


async def both_ways(store: Store, campaign_ids: list[int]) -> list[dict[str, Any]]:
    """Every range from the daily counts, checked against the same span counted from the rows."""
    today = shop_days.local_day(NOW, store.zone)
    found = []
    for campaign_id in campaign_ids:
        for first, last in ranges(today):
            start, end = shop_days.bounds(first, last, store.zone)
            by_day = counted(await store.campaign_stats(campaign_id, start, end))
            from_rows = counted(
                await store.campaign_stats(campaign_id, start - timedelta(microseconds=1), end)
            )
            assert by_day == from_rows, (campaign_id, first, last, by_day, from_rows)
            found.append(by_day)
            # The leaderboard's ranks (its clicks are the click rollups' and their own test's).
            ranked = [
                [(row.advocate_id, row.conversions, row.revenue_minor) for row in board]
                for board in (
                    await store.leaderboard(campaign_id, start, end, 3),
                    await store.leaderboard(campaign_id, start - timedelta(microseconds=1), end, 3),
                )
            ]
            assert ranked[0] == ranked[1], (campaign_id, first, last, ranked)
            found.append({"leaders": ranked[0]})
    return found


async def shop_life(store: Store) -> list[int]:
    """Two campaigns' worth of everything, in an order that is not always the time order."""
    spring = await make_campaign(store)
    checkout = await make_campaign(
        store, slug="checkout", friend_reward=RewardSpec("percent_discount", "10")
    )
    days = [NOW - timedelta(days=n) for n in range(60)]
    anna = await join(store, spring, "anna@example.nl", "Anna", when=days[50])
    mark = await join(store, spring, "mark@example.nl", "Mark", when=days[12])
    # 23:30 in Amsterdam is the day before in UTC: a new zone moves her to another day.
    zoe = await join(store, spring, "zoe@example.nl", "Zoe", when=amsterdam("2026-11-28 00:30"))
    bram = await join(store, checkout, "bram@example.nl", "Bram", when=days[30])
    for n, (who, day) in enumerate(
        ((anna, 40), (anna, 20), (anna, 20), (anna, 5), (mark, 9), (mark, 3), (zoe, 3), (bram, 8))
    ):
        campaign = checkout if who is bram else spring
        kind = ("share", "copy", "native", "qr")[n % 4]
        await store.record_event(campaign.id, who.id, kind, "whatsapp", days[day])
        await store.record_event(campaign.id, who.id, "open", None, days[day])
        await store.record_click(who.id, f"k{n}", "whatsapp", f"ip-{n}", "mobile", days[day])
    for n in (50, 55):  # old enough for the retention setting to delete
        await store.record_click(anna.id, f"old{n}", "email", f"ip-old{n}", "desktop", days[n])
    # Late events: a day before anna's others, and one between two of hers (each becomes the
    # next one's previous day); a share by nobody in particular counts no advocate.
    await store.record_event(spring.id, anna.id, "share", "email", days[45])
    await store.record_event(spring.id, anna.id, "share", "email", days[30])
    await store.record_event(spring.id, None, "share", "email", days[4])
    await store.record_event(spring.id, zoe.id, "share", None, amsterdam("2026-11-28 00:40"))

    await refer(store, spring, anna, "o1", "f1@example.com", 6000, days[35], "k0")
    await refer(store, spring, anna, "o2", "f2@example.com", 4000, days[19])
    await refer(store, spring, mark, "o3", "f3@example.com", 2500, days[8])
    await refer(store, spring, zoe, "o4", "f4@example.com", 8000, amsterdam("2026-11-29 00:15"))
    await refer(store, checkout, bram, "o5", "f5@example.com", 3000, days[7])
    await refer(store, checkout, bram, "o6", "f6@example.com", 5000, days[2])
    # An order in another currency than the campaign's: a referral without revenue or rewards.
    dollars = dataclasses.replace(paid_order("o7", "f7@example.com", 9900, days[6]), currency="USD")
    outcome = await store.record_paid_order("m-o7", dollars, candidate(spring, mark), "none")
    assert outcome.status == "recorded", outcome
    # The shop's other orders.
    for n in range(3):
        order = paid_order(f"plain{n}", f"p{n}@example.com", 1000 + n, days[n * 10])
        await store.record_paid_order(f"m-plain{n}", order, None, "no_referral")
    # A refund that came before its order: applied in the order's own transaction.
    await store.record_refund("m-r8", "shop", "o8", days[4])
    await refer(store, spring, mark, "o8", "f8@example.com", 1500, days[4])

    # The hold approves the old ones (and issues them); refunds after that are clawed back.
    assert await store.approve_due_rewards(NOW) > 0
    await store.record_refund("m-r1", "shop", "o1", days[1])
    await store.record_refund("m-c1", "shop", "o1", days[1], "chargeback")
    parts = (RefundPart("p1", Decimal("10.00")),)
    await store.record_partial_refund("m-p2", PartialRefund("shop", "o2", parts, None, days[1]))
    await store.record_partial_refund("m-p3", PartialRefund("shop", "o3", parts, None, days[1]))
    # The friend's checkout discount costs nothing once its order went back.
    await store.record_refund("m-r6", "shop", "o6", days[1])
    await store.record_refund("m-r5", "shop", "o5", days[1], "chargeback")
    pending = [r.id for r in await store.list_rewards(status="pending")]
    changed, _ = await store.change_rewards(pending[:1], "revoked", "fraud", "owner", days[1])
    assert changed
    changed, _ = await store.change_rewards(pending[1:2], "approved", None, "owner", days[1])
    assert changed
    plain = paid_order("plain9", "p9@example.com", 7000, days[1])
    await store.record_paid_order("m-plain9", plain, None, "no_referral")
    await store.record_partial_refund(
        "m-p9", PartialRefund("shop", "plain9", (RefundPart("a", Decimal("70.00")),), None, days[1])
    )
    return [spring.id, checkout.id]


@covers("campaign_stats", "record_event", "rebuild_rollups", "ensure_rollups_zone", "erase_person")
def test_the_daily_counts_give_the_rows_numbers_through_everything(settings: Settings) -> None:
    url = settings.database_url

    async def in_amsterdam(store: Store) -> tuple[list[int], list[dict[str, Any]]]:
        campaign_ids = await shop_life(store)
        numbers = await both_ways(store, campaign_ids)
        spring = counted(
            await store.campaign_stats(
                campaign_ids[0], *shop_days.bounds(date(2026, 10, 1), date(2026, 12, 1), AMSTERDAM)
            )
        )
        # Three advocates joined spring, and all three shared; six referrals, two refunded.
        assert (spring["new_advocates"], spring["sharing_advocates"]) == (3, 3)
        assert spring["conversions"] == 6 and spring["refunded_conversions"] == 2
        # Erasure replaces who someone was, never what happened: the same numbers.
        for person in ("anna@example.nl", "f2@example.com", "f6@example.com"):
            await store.erase_person(person, NOW)
        assert await both_ways(store, campaign_ids) == numbers
        # Retention deletes old raw clicks: no count here reads them.
        assert (await store.delete_rolled_up_clicks(10, NOW)).clicks > 0
        assert await both_ways(store, campaign_ids) == numbers
        rebuilt = await store.rebuild_rollups()
        assert rebuilt.zone == "Europe/Amsterdam"
        assert await both_ways(store, campaign_ids) == numbers
        return campaign_ids, numbers

    campaign_ids, in_amsterdam_days = in_zone(url, AMSTERDAM, in_amsterdam)

    async def in_utc(store: Store) -> list[dict[str, Any]]:
        # The start recounted every day in UTC; zoe's and o4's days moved.
        assert await store.rollups_zone() == "UTC"
        return await both_ways(store, campaign_ids)

    in_utc_days = in_zone(url, UTC_ZONE, in_utc)
    assert in_utc_days != in_amsterdam_days

    async def back_in_amsterdam(store: Store) -> None:
        assert await both_ways(store, campaign_ids) == in_amsterdam_days

    in_zone(url, AMSTERDAM, back_in_amsterdam)
