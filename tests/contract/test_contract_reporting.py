"""Contract: the owner's counts for a campaign and a time range, from rollups or from rows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from shareback.kpis import DayCounts
from shareback.storage.base import Store
from store_contract import at, contract, join, make_campaign, paid_order, refer

MIDNIGHT = datetime(2025, 6, 1, tzinfo=UTC)


@contract("campaign_stats")
async def test_stats_count_each_thing_once_for_whole_days_and_exact_ranges(store: Store) -> None:
    campaign = await make_campaign(store)
    other = await make_campaign(store, slug="other")
    anna = await join(store, campaign, "anna@example.nl", "Anna")  # 1 June 09:30
    mark = await join(store, campaign, "mark@example.nl", "Mark", when=at(1))
    await join(store, other, "zoe@example.nl", "Zoe")
    await store.record_event(campaign.id, None, "open", None, at(0))
    await store.record_event(campaign.id, anna.id, "share", "whatsapp", at(0))
    await store.record_event(campaign.id, mark.id, "qr", None, at(1))
    await store.record_click(anna.id, "t1", "whatsapp", "ip-1", "mobile", at(0))
    await store.record_click(anna.id, "t2", "whatsapp", "ip-1", "mobile", at(0))
    await store.record_click(mark.id, "t3", "qr", "ip-2", "desktop", at(1))
    await store.record_click(mark.id, "t4", "qr", "ip-3", "bot", at(1))
    await refer(store, campaign, anna, "o1", "f1@example.com", 4000, at(0))
    await refer(store, campaign, mark, "o2", "f2@example.com", 6000, at(1))
    await store.record_refund("r2", "shop", "o2", at(1, hours=1))
    await store.record_paid_order("w1", paid_order("w1", "walkin@example.com", 2500), None, "x")
    await store.approve_due_rewards(at(15))

    whole = await store.campaign_stats(campaign.id, MIDNIGHT, MIDNIGHT + timedelta(days=2))
    assert whole.days == [
        DayCounts(date(2025, 6, 1), opens=1, shares=1, clicks=2, conversions=1, revenue_minor=4000),
        # The day's conversion was refunded in full: a day counts the orders kept, as a range does.
        DayCounts(date(2025, 6, 2), shares=1, clicks=1, conversions=0),
    ]
    assert dataclasses.replace(whole, days=[]) == dataclasses.replace(
        whole,
        opens=1,
        shares_by_channel={"whatsapp": 1, "qr": 1},
        clicks_by_channel={"whatsapp": 2, "qr": 1},
        bot_clicks=1,
        unique_visitors=2,
        new_advocates=2,
        sharing_advocates=2,
        conversions=2,
        refunded_conversions=1,
        revenue_minor=4000,
        # Anna's order: €10 credit and 10 % of €40; Mark's rewards were revoked.
        reward_cost_minor=1400,
        pending_rewards=0,
        approved_rewards=0,  # Anna's coupon and credit were issued when approved: fulfilled
        revoked_rewards=2,
        referred_orders=1,
        referred_order_total_minor=4000,
        all_orders=2,  # the walk-in's paid order counts among all orders, not Mark's refunded
        all_order_total_minor=6500,
        days=[],
    )
    for value in (whole.revenue_minor, whole.reward_cost_minor, whole.all_order_total_minor):
        assert type(value) is int
    # The same span to the microsecond, not at midnight: counted from the rows, same answer.
    exact = await store.campaign_stats(campaign.id, at(0), at(1, microseconds=1))
    assert exact == whole
    # Half-open: the end is left out.
    first_day = await store.campaign_stats(campaign.id, at(0), at(1))
    assert (first_day.conversions, first_day.new_advocates, first_day.bot_clicks) == (1, 1, 0)
    assert first_day.days == whole.days[:1]
    empty = await store.campaign_stats(campaign.id, at(30), at(31))
    assert (empty.opens, empty.conversions, empty.days, empty.all_orders) == (0, 0, [], 0)
