"""The dashboard's and the stats API's counts, each one query over indexed columns."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from shareback.kpis import DayCounts, RawStats
from shareback.storage.base import to_db_time
from shareback.storage.sqlite.connection import SqliteBase

SHARE_CHANNEL = "CASE type WHEN 'share' THEN COALESCE(channel, 'link') ELSE type END"


class ReportingQueries(SqliteBase):
    async def _all(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def campaign_stats(self, campaign_id: int, start: datetime, end: datetime) -> RawStats:
        """Counts for [start, end). Bots (link previews) are counted apart and never as clicks."""
        span = (campaign_id, to_db_time(start), to_db_time(end))
        days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

        events = await self._all(
            f"SELECT date(created_at) AS day, type, {SHARE_CHANNEL} AS channel, COUNT(*) AS n, "
            "COUNT(DISTINCT advocate_id) AS advocates FROM events "
            "WHERE campaign_id = ? AND created_at >= ? AND created_at < ? GROUP BY 1, 2, 3",
            span,
        )
        opens = 0
        shares: dict[str, int] = defaultdict(int)
        for row in events:
            if row["type"] == "open":
                opens += row["n"]
                days[row["day"]]["opens"] += row["n"]
            else:
                shares[row["channel"]] += row["n"]
                days[row["day"]]["shares"] += row["n"]
        sharing = await self._all(
            "SELECT COUNT(DISTINCT advocate_id) FROM events WHERE campaign_id = ? "
            "AND created_at >= ? AND created_at < ? AND type <> 'open'",
            span,
        )

        clicks: dict[str, int] = defaultdict(int)
        bots = 0
        for row in await self._all(
            "SELECT date(created_at) AS day, channel, device = 'bot' AS bot, COUNT(*) AS n FROM clicks "
            "WHERE campaign_id = ? AND created_at >= ? AND created_at < ? GROUP BY 1, 2, 3",
            span,
        ):
            if row["bot"]:
                bots += row["n"]
            else:
                clicks[row["channel"]] += row["n"]
                days[row["day"]]["clicks"] += row["n"]
        visitors = await self._all(
            "SELECT COUNT(DISTINCT ip_hash) FROM clicks WHERE campaign_id = ? "
            "AND created_at >= ? AND created_at < ? AND device <> 'bot'",
            span,
        )
        advocates = await self._all(
            "SELECT COUNT(*) FROM advocates WHERE campaign_id = ? AND created_at >= ? AND created_at < ?",
            span,
        )

        conversions = refunded = revenue = referred_total = 0
        for row in await self._all(
            "SELECT date(r.created_at) AS day, o.status, COUNT(*) AS n, SUM(o.total_minor) AS total "
            "FROM referrals r JOIN orders o ON o.id = r.order_pk "
            "WHERE r.campaign_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY 1, 2",
            span,
        ):
            conversions += row["n"]
            referred_total += row["total"]
            days[row["day"]]["conversions"] += row["n"]
            if row["status"] == "refunded":
                refunded += row["n"]
            else:
                revenue += row["total"]
                days[row["day"]]["revenue_minor"] += row["total"]

        reward_rows = await self._all(
            "SELECT w.status, COUNT(*) AS n, COALESCE(SUM(w.amount_minor), 0) AS cost FROM rewards w "
            "JOIN referrals r ON r.id = w.referral_id "
            "WHERE r.campaign_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY 1",
            span,
        )
        by_status = {row["status"]: row for row in reward_rows}
        cost = sum(row["cost"] for row in reward_rows if row["status"] != "revoked")

        all_orders = await self._all(
            "SELECT COUNT(*), COALESCE(SUM(total_minor), 0) FROM orders "
            "WHERE paid_at >= ? AND paid_at < ? AND status = 'paid'",
            span[1:],
        )
        return RawStats(
            opens=opens,
            shares_by_channel=dict(shares),
            clicks_by_channel=dict(clicks),
            bot_clicks=bots,
            unique_visitors=visitors[0][0],
            new_advocates=advocates[0][0],
            sharing_advocates=sharing[0][0],
            conversions=conversions,
            refunded_conversions=refunded,
            revenue_minor=revenue,
            reward_cost_minor=cost,
            pending_rewards=by_status["pending"]["n"] if "pending" in by_status else 0,
            approved_rewards=by_status["approved"]["n"] if "approved" in by_status else 0,
            revoked_rewards=by_status["revoked"]["n"] if "revoked" in by_status else 0,
            referred_orders=conversions - refunded,
            referred_order_total_minor=revenue,
            all_orders=all_orders[0][0],
            all_order_total_minor=all_orders[0][1],
            days=[
                DayCounts(day=date.fromisoformat(day), **counts)
                for day, counts in sorted(days.items())
            ],
        )
