"""The dashboard's and the stats API's counts, each one pass over an index ordered for it.

Days are the shop's (shop_days.py, the store's zone): the daily rollups are keyed by them, and
rows counted directly are given their shop day in SQL (Dialect.shop_day)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shareback import shop_days
from shareback.kpis import DayCounts, RawStats
from shareback.storage.database import Dialect, Row, db_day, db_int
from shareback.storage.sql.base import SqlBase


def in_days(
    dialect: Dialect, campaign_id: int, start: datetime, end: datetime
) -> tuple[str, tuple[Any, ...]]:
    """Rows of [start, end): the UTC days it touches, as written in each engine's reporting
    indexes (migration 0005, which then serve the range), and the exact bounds."""
    first = start.astimezone(UTC).date()
    last = (end - timedelta(microseconds=1)).astimezone(UTC).date()
    where = (
        f"campaign_id = ? AND {dialect.day('created_at')} BETWEEN ? AND ? "
        "AND created_at >= ? AND created_at < ?"
    )
    return where, (campaign_id, first, last, start, end)


class ReportingQueries(SqlBase):
    async def campaign_stats(self, campaign_id: int, start: datetime, end: datetime) -> RawStats:
        """Counts for [start, end). Bots (link previews) are counted apart and never as clicks."""
        days: DayTable = defaultdict(lambda: defaultdict(int))
        stretches = shop_days.stretches(start, end, self.zone)
        day = self.dialect.shop_day("created_at", stretches)

        # Whole shop days (the dashboard's and the API's ranges) read the daily rollups; other
        # ranges count the rows themselves.
        whole = shop_days.whole_days(start, end, self.zone)
        if whole is not None:
            params: tuple[Any, ...] = (campaign_id, *whole)
            event_sql = (
                "SELECT day, type, NULLIF(channel, '') AS channel, n FROM event_days "
                "WHERE campaign_id = ? AND day BETWEEN ? AND ?"
            )
            click_sql = (
                "SELECT day, channel, device, n FROM click_days "
                "WHERE campaign_id = ? AND day BETWEEN ? AND ?"
            )
            # Visitor-days (migrations 0020, 0021): each day's count of its distinct IP hashes.
            visitor_sql = (
                "SELECT COALESCE(SUM(n), 0) FROM visit_day_counts "
                "WHERE campaign_id = ? AND day BETWEEN ? AND ?"
            )
        else:
            where, params = in_days(self.dialect, campaign_id, start, end)
            event_sql = (
                f"SELECT {day} AS day, type, channel, COUNT(*) AS n FROM events "
                f"WHERE {where} GROUP BY 1, type, channel"
            )
            click_sql = (
                f"SELECT {day} AS day, channel, device, COUNT(*) AS n FROM clicks "
                f"WHERE {where} GROUP BY 1, channel, device"
            )
            visitor_sql = (
                f"SELECT COUNT(*) FROM (SELECT DISTINCT {day} AS day, ip_hash FROM clicks "
                f"WHERE {where} AND device <> 'bot') AS visitor_days"
            )
        opens = 0
        shares: dict[str, int] = defaultdict(int)
        for row in await self._all(event_sql, params):
            if row["type"] == "open":
                opens += row["n"]
                days[db_day(row["day"])]["opens"] += row["n"]
            else:
                # The share's channel (a link without one), else the type: copy, qr, native.
                kind = row["type"]
                if kind == "share":
                    kind = "link" if row["channel"] is None else row["channel"]
                shares[kind] += row["n"]
                days[db_day(row["day"])]["shares"] += row["n"]
        clicks: dict[str, int] = defaultdict(int)
        bots = 0
        for row in await self._all(click_sql, params):
            if row["device"] == "bot":
                bots += row["n"]
            else:
                clicks[row["channel"]] += row["n"]
                days[db_day(row["day"])]["clicks"] += row["n"]
        # Exact, never estimated: the owner compares this number with their shop's analytics.
        # A visitor is counted once per shop day (a "visitor-day"), as privacy-first analytics
        # count them: the IP salt rotates daily, so one address has one hash per day and no way
        # to join two days. Counting (day, hash) pairs keeps every range's number the sum of its
        # days', on clicks hashed before the rotation too.
        visitors = await self._all(visitor_sql, params)
        if whole is not None:
            counted = await self._counted_by_day(campaign_id, whole, days)
        else:
            counted = await self._counted_from_rows(campaign_id, start, end, days)
        return RawStats(
            opens=opens,
            shares_by_channel=dict(shares),
            clicks_by_channel=dict(clicks),
            bot_clicks=bots,
            unique_visitors=db_int(visitors[0][0]),
            new_advocates=counted.new_advocates,
            sharing_advocates=counted.sharing_advocates,
            conversions=counted.conversions,
            refunded_conversions=counted.refunded,
            revenue_minor=counted.revenue_minor,
            reward_cost_minor=counted.reward_cost_minor,
            pending_rewards=counted.rewards.get("pending", 0),
            approved_rewards=counted.rewards.get("approved", 0),
            fulfilled_rewards=counted.rewards.get("fulfilled", 0),
            revoked_rewards=counted.rewards.get("revoked", 0),
            referred_orders=counted.conversions - counted.refunded,
            referred_order_total_minor=counted.revenue_minor,
            all_orders=counted.all_orders,
            all_order_total_minor=counted.all_order_total_minor,
            cohort_conversions=counted.cohort_conversions,
            days=[DayCounts(day=day, **counts) for day, counts in sorted(days.items())],
        )

    async def _counted_by_day(
        self, campaign_id: int, whole: tuple[date, date], days: DayTable
    ) -> Counted:
        """Whole shop days: migration 0033's counts per day (storage/sql/daily_counts.py)."""
        first, last = whole
        span = (campaign_id, first, last)
        # Each advocate once, on their first day with a share in the range: the pairs whose
        # previous day with a share is before it.
        sharing = await self._all(
            "SELECT COALESCE(SUM(n), 0) FROM sharer_day_counts WHERE campaign_id = ? "
            "AND day BETWEEN ? AND ? AND previous_day < ?",
            (*span, first),
        )
        advocates = await self._all(
            "SELECT COALESCE(SUM(n), 0) FROM advocate_join_days "
            "WHERE campaign_id = ? AND day BETWEEN ? AND ?",
            span,
        )
        counted = Counted(
            sharing_advocates=db_int(sharing[0][0]), new_advocates=db_int(advocates[0][0])
        )
        referred = await self._all(
            "SELECT day, order_status AS status, n, kept_minor AS kept FROM referral_days "
            "WHERE campaign_id = ? AND day BETWEEN ? AND ?",
            span,
        )
        counted.add_referrals(referred, days)
        cohort = await self._all(
            "SELECT COALESCE(SUM(n), 0) FROM cohort_days WHERE campaign_id = ? "
            "AND day BETWEEN ? AND ? AND advocate_day BETWEEN ? AND ?",
            (*span, first, last),
        )
        counted.cohort_conversions = db_int(cohort[0][0])
        counted.add_rewards(
            await self._all(
                "SELECT status, SUM(n) AS n, SUM(cost_minor) AS cost FROM reward_days "
                "WHERE campaign_id = ? AND day BETWEEN ? AND ? GROUP BY status",
                span,
            )
        )
        orders = await self._all(
            "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(total_minor), 0) FROM order_days "
            "WHERE day BETWEEN ? AND ?",
            whole,
        )
        counted.all_orders = db_int(orders[0][0])
        counted.all_order_total_minor = db_int(orders[0][1])
        return counted

    async def _counted_from_rows(
        self, campaign_id: int, start: datetime, end: datetime, days: DayTable
    ) -> Counted:
        """Other ranges: the rows themselves."""
        span = (campaign_id, start, end)
        stretches = shop_days.stretches(start, end, self.zone)
        # Distinct counts walk an index in the order of the counted column (INDEXED BY: without
        # ANALYZE statistics the planner would take the date range and build a temporary B-tree
        # of every value, 7 to 16 times slower at 1M clicks). The price: the walk covers the
        # campaign's whole history, not just [start, end); see bench/README.md.
        sharing = await self._all(
            "SELECT COUNT(DISTINCT advocate_id) FROM events"
            f"{self.dialect.indexed_by('events_by_sharer')} "
            "WHERE campaign_id = ? AND type <> 'open' AND created_at >= ? AND created_at < ?",
            span,
        )
        advocates = await self._all(
            "SELECT COUNT(*) FROM advocates WHERE campaign_id = ? AND created_at >= ? AND created_at < ?",
            span,
        )
        counted = Counted(sharing_advocates=sharing[0][0], new_advocates=advocates[0][0])
        counted.add_referrals(
            await self._all(
                f"SELECT {self.dialect.shop_day('r.created_at', stretches)} AS day, o.status, "
                "COUNT(*) AS n, "
                # An order in another currency than the campaign's adds nothing to its revenue.
                "SUM(CASE WHEN r.no_reward_reason = 'currency_mismatch' THEN 0 "
                "ELSE o.total_minor - o.refunded_minor END) AS kept "
                "FROM referrals r JOIN orders o ON o.id = r.order_pk "
                "WHERE r.campaign_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY 1, 2",
                span,
            ),
            days,
        )
        # The K-factor's cohort: kept orders credited to the advocates who joined in the range.
        cohort = await self._all(
            "SELECT COUNT(*) FROM referrals r JOIN advocates a ON a.id = r.advocate_id "
            "JOIN orders o ON o.id = r.order_pk WHERE r.campaign_id = ? AND r.created_at >= ? "
            "AND r.created_at < ? AND a.created_at >= ? AND a.created_at < ? "
            "AND o.status <> 'refunded'",
            (*span, start, end),
        )
        counted.cohort_conversions = cohort[0][0]
        # The friend's checkout discount costs what the shop gave, unless the whole order went
        # back: then the shop kept nothing and gave nothing.
        counted.add_rewards(
            await self._all(
                "SELECT w.status, COUNT(*) AS n, COALESCE(SUM(CASE WHEN w.fulfilment = 'checkout' "
                "AND o.status = 'refunded' THEN 0 ELSE w.amount_minor END), 0) AS cost "
                "FROM rewards w JOIN referrals r ON r.id = w.referral_id "
                "JOIN orders o ON o.id = r.order_pk "
                "WHERE r.campaign_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY 1",
                span,
            )
        )
        # Net of partial refunds too, so that the referred and the overall average order compare.
        orders = await self._all(
            "SELECT COUNT(*), COALESCE(SUM(total_minor - refunded_minor), 0) FROM orders "
            "WHERE paid_at >= ? AND paid_at < ? AND status = 'paid'",
            (start, end),
        )
        counted.all_orders = orders[0][0]
        counted.all_order_total_minor = db_int(orders[0][1])
        return counted


DayTable = dict[date, dict[str, int]]


@dataclass
class Counted:
    """The numbers beyond clicks and events, from the daily counts or from the rows."""

    sharing_advocates: int
    new_advocates: int
    conversions: int = 0
    refunded: int = 0
    revenue_minor: int = 0
    cohort_conversions: int = 0
    rewards: dict[str, int] = field(default_factory=dict)
    reward_cost_minor: int = 0
    all_orders: int = 0
    all_order_total_minor: int = 0

    def add_referrals(self, rows: list[Row], days: DayTable) -> None:
        """Rows of (day, status, n, kept). Revenue is what the shop kept: a fully refunded order
        counts for nothing, a partly refunded one for its total less the refunds."""
        for row in rows:
            n = db_int(row["n"])
            if n == 0:
                continue  # a day whose orders all moved to the other status: counted nowhere
            self.conversions += n
            if row["status"] == "refunded":
                self.refunded += n
            else:
                # A day's conversions are the orders kept, as the range's are (kpis.py).
                days[db_day(row["day"])]["conversions"] += n
                self.revenue_minor += db_int(row["kept"])
                days[db_day(row["day"])]["revenue_minor"] += db_int(row["kept"])

    def add_rewards(self, rows: list[Row]) -> None:
        for row in rows:
            self.rewards[row["status"]] = db_int(row["n"])
            if row["status"] != "revoked":
                self.reward_cost_minor += db_int(row["cost"])
