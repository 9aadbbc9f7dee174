"""What the owner reads and changes: paged lists, reward decisions with an audit trail, the
leaderboard and the activity feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shareback import fulfilment, rewards, shop_days
from shareback.people_search import search_terms
from shareback.storage.database import Row, db_int, db_time, from_db_time
from shareback.storage.records import (
    ActivityItem,
    AdvocateSummary,
    LeaderRow,
    ReferralSummary,
    RewardChange,
    RewardSummary,
)
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.fulfilment import fulfil
from shareback.storage.sql.issuing import fulfil_approved
from shareback.storage.sql.outbox import enqueue_reward_events
from shareback.storage.sql.people import found_advocates, found_orders

# The referrals list's order states (people_search.ORDER_STATES).
ORDER_STATE_SQL = {
    "paid": "(o.status = 'paid' AND o.refunded_minor = 0)",
    "partly_refunded": "(o.status = 'paid' AND o.refunded_minor > 0)",
    "refunded": "o.status = 'refunded'",
}


def _page(clauses: list[str], params: list[Any], column: str, before: int | None) -> str:
    if before is not None:
        clauses.append(f"{column} < ?")
        params.append(before)
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


REWARD_SELECT = (
    "SELECT w.*, r.campaign_id, c.slug AS campaign_slug, a.code AS advocate_code, o.order_id, "
    "(SELECT COALESCE(SUM(amount_minor), 0) FROM clawbacks k WHERE k.reward_id = w.id "
    " HAVING COUNT(*) > 0) AS clawed_back_minor "
    "FROM rewards w JOIN referrals r ON r.id = w.referral_id JOIN campaigns c ON c.id = r.campaign_id "
    "JOIN advocates a ON a.id = r.advocate_id JOIN orders o ON o.id = r.order_pk"
)


def _reward(row: Row) -> RewardSummary:
    return RewardSummary(
        id=row["id"],
        referral_id=row["referral_id"],
        campaign_id=row["campaign_id"],
        campaign_slug=row["campaign_slug"],
        side=row["side"],
        email=row["email"],
        advocate_code=row["advocate_code"],
        order_id=row["order_id"],
        type=row["type"],
        value=row["value"],
        currency=row["currency"],
        amount_minor=row["amount_minor"],
        status=row["status"],
        approve_after=db_time(row["approve_after"]),
        approved_at=from_db_time(row["approved_at"]),
        revoked_at=from_db_time(row["revoked_at"]),
        revoke_reason=row["revoke_reason"],
        created_at=db_time(row["created_at"]),
        clawed_back_minor=(
            None if row["clawed_back_minor"] is None else db_int(row["clawed_back_minor"])
        ),
        fulfilment=row["fulfilment"],
        fulfilled_at=from_db_time(row["fulfilled_at"]),
        fulfilled_ref=row["fulfilled_ref"],
        kind=row["kind"],
    )


class OwnerQueries(SqlBase):
    async def list_advocates(
        self,
        *,
        campaign_id: int | None = None,
        search: str | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[AdvocateSummary]:
        clauses: list[str] = []
        params: list[Any] = []
        if campaign_id is not None:
            clauses.append("a.campaign_id = ?")
            params.append(campaign_id)
        terms = search_terms(search)
        if terms is not None:
            found, found_params = found_advocates(self.dialect, terms, campaign_id)
            clauses.append(f"a.id IN ({found})")
            params += found_params
        where = _page(clauses, params, "a.id", before)
        rows = await self._all(
            "SELECT a.*, c.slug AS campaign_slug, "
            # Human clicks from the advocate's daily counts (migration 0020): the same number
            # after the retention setting deleted old raw clicks.
            "(SELECT COALESCE(SUM(d.n), 0) FROM advocate_click_days d WHERE d.advocate_id = a.id) "
            "AS clicks, "
            "(SELECT COUNT(*) FROM referrals r WHERE r.advocate_id = a.id) AS referrals "
            f"FROM advocates a JOIN campaigns c ON c.id = a.campaign_id{where} ORDER BY a.id DESC LIMIT ?",
            [*params, limit],
        )
        return [
            AdvocateSummary(
                id=row["id"],
                campaign_id=row["campaign_id"],
                campaign_slug=row["campaign_slug"],
                email=row["email"],
                name=row["name"],
                code=row["code"],
                verified=bool(row["verified"]),
                created_at=db_time(row["created_at"]),
                clicks=db_int(row["clicks"]),
                referrals=row["referrals"],
                coupon_code=row["coupon_code"],
            )
            for row in rows
        ]

    async def list_referrals(
        self,
        *,
        campaign_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before: int | None = None,
        limit: int = 50,
        advocate_id: int | None = None,
        status: str | None = None,
        channel: str | None = None,
        search: str | None = None,
    ) -> list[ReferralSummary]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("r.campaign_id", campaign_id), ("r.advocate_id", advocate_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if status is not None:
            clauses.append(ORDER_STATE_SQL[status])
        if channel == "code":  # typed at the checkout: no click
            clauses.append("r.via = 'code'")
        elif channel is not None:
            clauses.append("k.channel = ?")
            params.append(channel)
        terms = search_terms(search)
        if terms is not None:
            by_advocate, by_advocate_params = found_advocates(self.dialect, terms, campaign_id)
            by_order, by_order_params = found_orders(self.dialect, terms)
            clauses.append(
                f"r.id IN (SELECT s.id FROM referrals s WHERE s.advocate_id IN ({by_advocate}) "
                f"UNION SELECT s.id FROM referrals s WHERE s.order_pk IN ({by_order}))"
            )
            params += [*by_advocate_params, *by_order_params]
        if since is not None:
            clauses.append("r.created_at >= ?")
            params.append(since)
        if until is not None:
            clauses.append("r.created_at < ?")
            params.append(until)
        where = _page(clauses, params, "r.id", before)
        rows = await self._all(
            "SELECT r.*, c.slug AS campaign_slug, a.code AS advocate_code, a.email AS advocate_email, "
            "o.email AS friend_email, o.source, o.order_id, o.total_minor, o.currency, o.status, "
            "o.refunded_minor, "
            "k.channel FROM referrals r JOIN campaigns c ON c.id = r.campaign_id "
            "JOIN advocates a ON a.id = r.advocate_id JOIN orders o ON o.id = r.order_pk "
            f"LEFT JOIN clicks k ON k.id = r.click_id{where} ORDER BY r.id DESC LIMIT ?",
            [*params, limit],
        )
        return [
            ReferralSummary(
                id=row["id"],
                campaign_id=row["campaign_id"],
                campaign_slug=row["campaign_slug"],
                advocate_id=row["advocate_id"],
                advocate_code=row["advocate_code"],
                advocate_email=row["advocate_email"],
                friend_email=row["friend_email"],
                order_source=row["source"],
                order_id=row["order_id"],
                order_total_minor=row["total_minor"],
                currency=row["currency"],
                order_status=row["status"],
                via=row["via"],
                channel=row["channel"],
                created_at=db_time(row["created_at"]),
                no_reward_reason=row["no_reward_reason"],
                refunded_minor=db_int(row["refunded_minor"]),
            )
            for row in rows
        ]

    async def list_rewards(
        self,
        *,
        status: str | None = None,
        side: str | None = None,
        campaign_id: int | None = None,
        before: int | None = None,
        limit: int = 50,
        advocate_id: int | None = None,
    ) -> list[RewardSummary]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("w.status", status),
            ("w.side", side),
            ("r.campaign_id", campaign_id),
            ("r.advocate_id", advocate_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = _page(clauses, params, "w.id", before)
        rows = await self._all(
            f"{REWARD_SELECT}{where} ORDER BY w.id DESC LIMIT ?", [*params, limit]
        )
        return [_reward(row) for row in rows]

    async def reward(self, reward_id: int) -> RewardSummary | None:
        rows = await self._all(f"{REWARD_SELECT} WHERE w.id = ?", [reward_id])
        return _reward(rows[0]) if rows else None

    async def reward_history(self, reward_id: int) -> list[RewardChange]:
        rows = await self._all(
            "SELECT * FROM reward_changes WHERE reward_id = ? ORDER BY id", [reward_id]
        )
        return [
            RewardChange(
                reward_id=row["reward_id"],
                from_status=row["from_status"],
                to_status=row["to_status"],
                reason=row["reason"],
                actor=row["actor"],
                at=db_time(row["at"]),
            )
            for row in rows
        ]

    async def change_rewards(
        self, reward_ids: list[int], to_status: str, reason: str | None, actor: str, at: datetime
    ) -> tuple[list[RewardSummary], list[int]]:
        stamp = at
        changed: list[int] = []
        refused: list[int] = []
        async with self._transaction() as db:
            for reward_id in dict.fromkeys(reward_ids):
                row = await db.fetchrow(
                    "SELECT status, fulfilment FROM rewards WHERE id = ?", (reward_id,)
                )
                try:
                    if row is None:
                        raise rewards.InvalidTransition("no such reward")
                    rewards.transition(row["status"], to_status)
                except rewards.InvalidTransition:
                    refused.append(reward_id)
                    continue
                if to_status == "fulfilled":
                    # Only what the shop gives itself is fulfilled by saying so (fulfilment.py).
                    done = fulfilment.can_fulfil(row["fulfilment"]) and await fulfil(
                        db,
                        [reward_id],
                        how=row["fulfilment"],
                        ref=None,
                        reason=reason or "fulfilled by the shop",
                        actor=actor,
                        at=stamp,
                    )
                    (changed if done else refused).append(reward_id)
                    continue
                # The status in the WHERE makes the move safe against a concurrent change.
                if to_status == "approved":
                    moved = await db.execute(
                        "UPDATE rewards SET status = 'approved', approved_at = ? "
                        "WHERE id = ? AND status = ?",
                        (stamp, reward_id, row["status"]),
                    )
                else:
                    moved = await db.execute(
                        "UPDATE rewards SET status = ?, revoked_at = ?, revoke_reason = ? "
                        "WHERE id = ? AND status = ?",
                        (to_status, stamp, reason, reward_id, row["status"]),
                    )
                if moved != 1:
                    refused.append(reward_id)
                    continue
                await db.execute(
                    "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (reward_id, row["status"], to_status, reason, actor, stamp),
                )
                changed.append(reward_id)
            if to_status != "fulfilled":  # fulfil() announced its own
                await enqueue_reward_events(db, f"reward.{to_status}", changed, at)
            if to_status == "approved":  # credit and coupons are issued at once
                await fulfil_approved(db, changed, actor, at)
        summaries = [summary for rid in changed if (summary := await self.reward(rid)) is not None]
        return summaries, refused

    async def leaderboard(
        self, campaign_id: int, start: datetime, end: datetime, limit: int = 10
    ) -> list[LeaderRow]:
        span = (start, end)
        # Whole shop days read each advocate's daily click counts (migration 0020: the same
        # after old raw clicks are deleted); other ranges count the clicks.
        whole = shop_days.whole_days(start, end, self.zone)
        clicks_sql, clicks_params = (
            (
                "(SELECT COALESCE(SUM(d.n), 0) FROM advocate_click_days d "
                "WHERE d.advocate_id = a.id AND d.day BETWEEN ? AND ?)",
                whole,
            )
            if whole is not None
            else (
                "(SELECT COUNT(*) FROM clicks k WHERE k.advocate_id = a.id AND k.device <> 'bot' "
                "AND k.created_at >= ? AND k.created_at < ?)",
                span,
            )
        )
        # Rank first, then count clicks for the ranked rows alone: counted for every advocate
        # with a referral (before the sort), clicks cost more than all the rest together.
        rows = await self._all(
            f"SELECT a.id, a.code, a.name, a.email, {clicks_sql} AS clicks, "
            "top.conversions, top.revenue "
            "FROM (SELECT r.advocate_id, COUNT(r.id) AS conversions, "
            "COALESCE(SUM(CASE WHEN o.status = 'paid' AND COALESCE(r.no_reward_reason, '') "
            "<> 'currency_mismatch' THEN o.total_minor - o.refunded_minor END), 0) AS revenue "
            "FROM referrals r JOIN orders o ON o.id = r.order_pk "
            "WHERE r.campaign_id = ? AND r.created_at >= ? AND r.created_at < ? "
            "GROUP BY r.advocate_id ORDER BY conversions DESC, revenue DESC, r.advocate_id LIMIT ?) "
            "AS top JOIN advocates a ON a.id = top.advocate_id "
            "ORDER BY top.conversions DESC, top.revenue DESC, a.id",
            [*clicks_params, campaign_id, *span, limit],
        )
        return [
            LeaderRow(
                advocate_id=row["id"],
                code=row["code"],
                name=row["name"],
                email=row["email"],
                clicks=db_int(row["clicks"]),
                conversions=row["conversions"],
                revenue_minor=db_int(row["revenue"]),
            )
            for row in rows
        ]

    async def activity(self, campaign_id: int | None, limit: int = 30) -> list[ActivityItem]:
        """The newest events of four kinds, merged; each source reads only its newest rows."""
        scope = "" if campaign_id is None else " WHERE campaign_id = ?"
        params: list[Any] = [] if campaign_id is None else [campaign_id]
        # Migration 0005's (campaign_id) indexes end in the rowid, so "newest of a campaign" is
        # read from their end. Reward changes have no campaign: CROSS JOIN keeps them the outer
        # loop, newest first, so the LIMIT stops the walk instead of sorting every change.
        cross = self.dialect.cross_join
        sql = (
            "SELECT * FROM ("
            f"SELECT 'joined' AS kind, created_at AS at, code, COALESCE(name, '') AS detail FROM advocates{scope} "
            "ORDER BY id DESC LIMIT ?) AS joined UNION ALL SELECT * FROM ("
            "SELECT 'click', k.created_at, a.code, k.channel FROM clicks k JOIN advocates a ON a.id = k.advocate_id "
            f"WHERE k.device <> 'bot'{'' if campaign_id is None else ' AND k.campaign_id = ?'} "
            "ORDER BY k.id DESC LIMIT ?) AS clicked UNION ALL SELECT * FROM ("
            # A referral kept without rewards says why: referral_currency_mismatch…
            "SELECT CASE WHEN r.no_reward_reason IS NULL THEN 'referral' "
            "ELSE 'referral_' || r.no_reward_reason END, r.created_at, a.code, o.order_id "
            "FROM referrals r "
            "JOIN advocates a ON a.id = r.advocate_id JOIN orders o ON o.id = r.order_pk"
            f"{'' if campaign_id is None else ' WHERE r.campaign_id = ?'} ORDER BY r.id DESC LIMIT ?) AS referred "
            "UNION ALL SELECT * FROM ("
            "SELECT 'reward_' || c.to_status, c.at, a.code, c.actor FROM reward_changes c "
            f"{cross} rewards w ON w.id = c.reward_id {cross} referrals r ON r.id = w.referral_id "
            "JOIN advocates a ON a.id = r.advocate_id"
            f"{'' if campaign_id is None else ' WHERE r.campaign_id = ?'} ORDER BY c.id DESC LIMIT ?) AS decided "
            "ORDER BY at DESC LIMIT ?"
        )
        rows = await self._all(
            sql, [*params, limit, *params, limit, *params, limit, *params, limit, limit]
        )
        return [
            ActivityItem(kind=row[0], at=db_time(row[1]), advocate_code=row[2], detail=row[3] or "")
            for row in rows
        ]
