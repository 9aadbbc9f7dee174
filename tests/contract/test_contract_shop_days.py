"""Contract: every day the store counts is the shop's (SHAREBACK_TIMEZONE, open_store's zone): the
rollups are cut at the shop's midnight, across the 23- and 25-hour days of a clock change, are
rebuilt when the zone changes, and outlive the raw clicks the retention setting deletes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from shareback import shop_days
from shareback.kpis import DayCounts, RawStats
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from store_contract import covers, join, make_campaign, refer

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
    """A wall-clock time in Amsterdam ('2026-12-01 23:30'), as an aware datetime."""
    return datetime.fromisoformat(moment).replace(tzinfo=AMSTERDAM)


async def stats_of(store: Store, campaign_id: int, first: date, last: date) -> RawStats:
    """The shop days first..last from the rollups, checked against the same span counted from
    the rows (a range that does not start at a midnight is counted from them)."""
    start, end = shop_days.bounds(first, last, store.zone)
    whole = await store.campaign_stats(campaign_id, start, end)
    rows = await store.campaign_stats(campaign_id, start - timedelta(microseconds=1), end)
    assert whole == rows, (whole, rows)
    return whole


@covers("campaign_stats", "ensure_rollups_zone")
def test_days_are_cut_at_the_shops_midnight(settings: Settings) -> None:
    async def scenario(store: Store) -> None:
        assert store.zone is AMSTERDAM
        campaign = await make_campaign(store)
        anna = await join(
            store, campaign, "anna@example.nl", "Anna", when=amsterdam("2026-11-01 10:00")
        )
        # 00:30 in Amsterdam on 2 December is 23:30 UTC on 1 December: a click of 2 December.
        await store.record_click(
            anna.id, "late", "whatsapp", "ip-1", "mobile", amsterdam("2026-12-02 00:30")
        )
        await store.record_event(
            campaign.id, anna.id, "share", "whatsapp", amsterdam("2026-12-02 00:10")
        )
        # 23:30 in Amsterdam on 1 December (22:30 UTC): an order of 1 December.
        await refer(
            store, campaign, anna, "o1", "femke@example.com", 4000, amsterdam("2026-12-01 23:30")
        )

        first = await stats_of(store, campaign.id, date(2026, 12, 1), date(2026, 12, 1))
        assert first.days == [DayCounts(date(2026, 12, 1), conversions=1, revenue_minor=4000)]
        assert (first.conversions, sum(first.clicks_by_channel.values())) == (1, 0)
        second = await stats_of(store, campaign.id, date(2026, 12, 2), date(2026, 12, 2))
        assert second.days == [DayCounts(date(2026, 12, 2), shares=1, clicks=1)]
        assert (second.unique_visitors, second.conversions) == (1, 0)
        # In UTC days the same rows fall the other way round.
        utc = await store.campaign_stats(
            campaign.id, datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)
        )
        assert (utc.conversions, utc.clicks_by_channel, utc.opens) == (1, {"whatsapp": 1}, 0)
        assert {d.day for d in utc.days} == {date(2026, 12, 1), date(2026, 12, 2)}

    in_zone(settings.database_url, AMSTERDAM, scenario)


def every_half_hour(first: datetime, last: datetime) -> list[datetime]:
    moments, moment = [], first.astimezone(UTC)
    while moment < last.astimezone(UTC):
        moments.append(moment)
        moment += timedelta(minutes=30)
    return moments


@covers("campaign_stats", "record_click", "record_event")
def test_clock_changes_make_23_and_25_hour_days_and_lose_nothing(settings: Settings) -> None:
    """A click, a share and an order every half hour of real time around 29 March 2026 (clocks
    forward: 23 hours) and 25 October 2026 (back: 25 hours)."""

    async def scenario(store: Store) -> None:
        campaign = await make_campaign(store, attribution_days=365)
        anna = await join(
            store, campaign, "anna@example.nl", "Anna", when=amsterdam("2026-01-01 10:00")
        )
        expected: dict[date, int] = {}
        for spring_or_autumn in (("2026-03-28", "2026-03-31"), ("2026-10-24", "2026-10-27")):
            start, end = (amsterdam(f"{day} 00:00") for day in spring_or_autumn)
            for n, moment in enumerate(every_half_hour(start, end)):
                key = f"{moment:%m%d%H%M}"
                await store.record_click(
                    anna.id, f"t{key}", "whatsapp", f"ip-{key}", "mobile", moment
                )
                await store.record_event(campaign.id, anna.id, "share", "whatsapp", moment)
                if n % 2 == 0:  # an order every hour
                    await refer(
                        store, campaign, anna, f"o{key}", f"f{key}@example.com", 100, moment
                    )
                day = shop_days.local_day(moment, AMSTERDAM)
                expected[day] = expected.get(day, 0) + 1
        assert expected == {
            date(2026, 3, 28): 48,
            date(2026, 3, 29): 46,  # 23 hours
            date(2026, 3, 30): 48,
            date(2026, 10, 24): 48,
            date(2026, 10, 25): 50,  # 25 hours
            date(2026, 10, 26): 48,
        }
        for first, last in (
            (date(2026, 3, 28), date(2026, 3, 30)),
            (date(2026, 10, 24), date(2026, 10, 26)),
        ):
            stats = await stats_of(store, campaign.id, first, last)
            assert {d.day: d.clicks for d in stats.days} == {
                day: n for day, n in expected.items() if first <= day <= last
            }
            assert all(d.shares == d.clicks for d in stats.days)
            assert {d.day: d.conversions for d in stats.days} == {
                day: n // 2 for day, n in expected.items() if first <= day <= last
            }
            assert stats.unique_visitors == sum(d.clicks for d in stats.days)
            # Day by day, nothing counted twice nor lost between the days.
            for day in (first, first + timedelta(days=1), last):
                alone = await stats_of(store, campaign.id, day, day)
                assert alone.days == [d for d in stats.days if d.day == day]
        whole = await stats_of(store, campaign.id, date(2026, 3, 1), date(2026, 10, 31))
        assert sum(whole.clicks_by_channel.values()) == sum(expected.values()) == 288

    in_zone(settings.database_url, AMSTERDAM, scenario)


@covers("rebuild_rollups", "ensure_rollups_zone", "rollups_zone")
def test_a_new_time_zone_rebuilds_the_rollups(settings: Settings) -> None:
    url = settings.database_url
    moments = [datetime(2026, 12, 1, 23, 30, tzinfo=UTC), datetime(2026, 12, 2, 12, tzinfo=UTC)]

    async def in_utc(store: Store) -> int:
        assert await store.rollups_zone() == "UTC"
        campaign = await make_campaign(store)
        anna = await join(store, campaign, "anna@example.nl", "Anna", when=moments[0])
        for n, moment in enumerate(moments):
            await store.record_click(anna.id, f"t{n}", "qr", f"ip-{n}", "desktop", moment)
            await store.record_event(campaign.id, anna.id, "open", None, moment)
        stats = await stats_of(store, campaign.id, date(2026, 12, 1), date(2026, 12, 2))
        assert [(d.day, d.clicks, d.opens) for d in stats.days] == [
            (date(2026, 12, 1), 1, 1),
            (date(2026, 12, 2), 1, 1),
        ]
        return campaign.id

    campaign_id = in_zone(url, UTC_ZONE, in_utc)

    async def in_amsterdam(store: Store) -> None:
        # in_zone's start rebuilt them: 23:30 UTC is 00:30 on 2 December in Amsterdam.
        assert await store.rollups_zone() == "Europe/Amsterdam"
        assert await store.ensure_rollups_zone() is None  # already in the zone: nothing to do
        stats = await stats_of(store, campaign_id, date(2026, 12, 1), date(2026, 12, 2))
        assert [(d.day, d.clicks, d.opens) for d in stats.days] == [(date(2026, 12, 2), 2, 2)]
        assert stats.unique_visitors == 2
        board = await store.leaderboard(
            campaign_id, *shop_days.bounds(date(2026, 12, 2), date(2026, 12, 2), AMSTERDAM)
        )
        assert board == []  # no referrals: nobody ranks
        again = await store.rebuild_rollups()
        assert (again.zone, again.previous_zone, again.clicks, again.events) == (
            "Europe/Amsterdam",
            "Europe/Amsterdam",
            2,
            2,
        )
        assert await stats_of(store, campaign_id, date(2026, 12, 1), date(2026, 12, 2)) == stats

    in_zone(url, AMSTERDAM, in_amsterdam)


@covers("delete_rolled_up_clicks", "leaderboard", "rebuild_rollups")
def test_retention_deletes_old_clicks_and_changes_no_number(settings: Settings) -> None:
    now = amsterdam("2026-12-01 12:00")

    async def scenario(store: Store) -> None:
        campaign = await make_campaign(store, attribution_days=30)
        anna = await join(
            store, campaign, "anna@example.nl", "Anna", when=now - timedelta(days=200)
        )
        mark = await join(
            store, campaign, "mark@example.nl", "Mark", when=now - timedelta(days=200)
        )
        for back in range(0, 150, 3):
            moment = now - timedelta(days=back, hours=back % 7)
            for who, n in ((anna, 1), (mark, 2), (mark, 3)):
                await store.record_click(
                    who.id, f"t{back}-{n}", "whatsapp", f"ip-{back % 5}-{n}", "mobile", moment
                )
            await store.record_click(anna.id, f"b{back}", "link", "bot", "bot", moment)
        # An old order through an old click: that click is kept.
        old = now - timedelta(days=120)
        await refer(
            store,
            campaign,
            anna,
            "o-old",
            "f1@example.com",
            3000,
            old + timedelta(hours=1),
            "t120-1",
        )
        await refer(
            store, campaign, mark, "o-new", "f2@example.com", 5000, now - timedelta(days=3), "t3-2"
        )

        today = shop_days.local_day(now, AMSTERDAM)
        ranges = [(today - timedelta(days=n - 1), today) for n in (7, 30, 90, 365)]
        ranges.append((today - timedelta(days=130), today - timedelta(days=100)))

        async def numbers() -> list[object]:
            found: list[object] = []
            for first, last in ranges:
                # From the rollups alone: the raw rows of old days are what retention deletes.
                span = shop_days.bounds(first, last, AMSTERDAM)
                found.append(await store.campaign_stats(campaign.id, *span))
                found.append(
                    await store.leaderboard(campaign.id, *shop_days.bounds(first, last, AMSTERDAM))
                )
            return found

        before = await numbers()
        nothing = await store.delete_rolled_up_clicks(0, now)
        assert nothing.clicks == 0
        done = await store.delete_rolled_up_clicks(60, now)
        # 60 shop days kept (more than the 30-day window and its day): from 2 October's midnight.
        assert done.before == shop_days.day_start(today - timedelta(days=60), AMSTERDAM)
        old_clicks = sum(
            1
            for back in range(0, 150, 3)
            if now - timedelta(days=back, hours=back % 7) < done.before
        )
        assert done.clicks == old_clicks * 4 - 1  # all four a day, but the referral's click
        assert await numbers() == before
        assert (await store.delete_rolled_up_clicks(60, now)).clicks == 0  # nothing left to go
        # A rebuild recounts only the days whose raw clicks are all still there.
        rebuilt = await store.rebuild_rollups()
        assert rebuilt.recounted_from == done.before
        assert await numbers() == before
        # Never inside the longest live window: 10 days asked, the 30-day window (+1) kept.
        shorter = await store.delete_rolled_up_clicks(10, now)
        assert shorter.before == shop_days.day_start(today - timedelta(days=31), AMSTERDAM)
        assert shorter.clicks > 0
        assert await numbers() == before

    in_zone(settings.database_url, AMSTERDAM, scenario)
