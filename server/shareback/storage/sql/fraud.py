"""Fraud rules in SQL: each campaign's rules, the facts about one referral that fraud.judge
weighs, every verdict with its reasons, and the review queue of the doubtful ones."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from shareback import fraud, shop_days, visitors
from shareback.attribution import Candidate
from shareback.fraud import FraudFacts, FraudRules, Verdict
from shareback.storage.database import Connection, Row, db_int, db_time, from_db_time
from shareback.storage.records import FraudReview, OrderVisit, PaidOrder
from shareback.storage.sql.loyalty import settle_advocate
from shareback.storage.sql.outbox import enqueue_reward_events
from shareback.storage.sql.privacy import PrivacyQueries

# Rewards of a referral still waiting for the review queue's answer are never approved.
UNDER_REVIEW = (
    "EXISTS (SELECT 1 FROM fraud_decisions d WHERE d.referral_id = {} "
    "AND d.verdict = 'review' AND d.review_verdict IS NULL)"
)
RULE_COLUMNS = (*fraud.ACTION_RULES, "daily_limit", "reward_cap")
REVIEW_SELECT = (
    "SELECT d.*, c.slug AS campaign_slug, a.code AS advocate_code, a.email AS advocate_email, "
    "o.order_id, o.source AS order_source, o.email AS friend_email, o.total_minor, o.currency "
    "FROM fraud_decisions d JOIN campaigns c ON c.id = d.campaign_id "
    "JOIN advocates a ON a.id = d.advocate_id JOIN orders o ON o.id = d.order_pk"
)


def rules_from_row(row: Row | None) -> FraudRules:
    if row is None:
        return fraud.DEFAULT_RULES
    return FraudRules(**{column: row[column] for column in RULE_COLUMNS})


async def rules_of(db: Connection, campaign_id: int) -> FraudRules:
    row = await db.fetchrow("SELECT * FROM fraud_rules WHERE campaign_id = ?", (campaign_id,))
    return rules_from_row(row)


async def judge_referral(
    db: Connection,
    campaign_id: int,
    candidate: Candidate,
    order: PaidOrder,
    order_pk: int,
    visit: OrderVisit | None,
    zone: tzinfo,
) -> Verdict:
    """Gathers the facts in the order's transaction, under the advocate's lock (the day's count
    and the cap are check-then-write), and asks fraud.judge."""
    await db.lock(f"advocate:{candidate.advocate_id}")
    advocate = await db.fetchrow(
        "SELECT email FROM advocates WHERE id = ?", (candidate.advocate_id,)
    )
    assert advocate is not None and order.email is not None
    same_customer = None
    if order.customer_id is not None:
        same_customer = await db.fetchrow(
            "SELECT 1 FROM orders o JOIN advocates a ON a.email_key = o.email_key "
            "WHERE a.id = ? AND o.source = ? AND o.customer_id = ? AND o.id <> ? LIMIT 1",
            (candidate.advocate_id, order.source, order.customer_id, order_pk),
        )
    # The order's shop day (shop_days.py): 23 or 25 hours when the clocks change.
    paid_day = shop_days.local_day(order.paid_at, zone)
    today = await db.fetchrow(
        "SELECT COUNT(*) FROM referrals WHERE advocate_id = ? AND created_at >= ? "
        "AND created_at < ?",
        (candidate.advocate_id, *shop_days.bounds(paid_day, paid_day, zone)),
    )
    rewarded = await db.fetchrow(
        "SELECT COUNT(*) FROM rewards WHERE advocate_id = ? AND side = 'referrer' "
        "AND status <> 'revoked' AND kind = 'referral'",
        (candidate.advocate_id,),
    )
    assert today is not None and rewarded is not None
    facts = FraudFacts(
        advocate_email=advocate["email"],
        friend_email=order.email,
        same_customer=same_customer is not None,
        click_ip_hash=visit.click_ip_hash if visit else None,
        order_ip_hash=visit.order_ip_hash if visit else None,
        click_device=visit.click_device if visit else None,
        order_device=order.device,
        referrals_today=db_int(today[0]),
        rewarded_referrals=db_int(rewarded[0]),
    )
    return fraud.judge(await rules_of(db, campaign_id), facts)


async def record_decision(
    db: Connection,
    campaign_id: int,
    advocate_id: int,
    order_pk: int,
    referral_id: int | None,
    verdict: Verdict,
    at: datetime,
) -> None:
    await db.execute(
        "INSERT INTO fraud_decisions (campaign_id, advocate_id, order_pk, referral_id, verdict, "
        "reasons, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            campaign_id,
            advocate_id,
            order_pk,
            referral_id,
            verdict.verdict,
            " ".join(verdict.reasons),
            at,
        ),
    )


def review_from_row(row: Row) -> FraudReview:
    return FraudReview(
        id=row["id"],
        campaign_id=row["campaign_id"],
        campaign_slug=row["campaign_slug"],
        advocate_id=row["advocate_id"],
        advocate_code=row["advocate_code"],
        advocate_email=row["advocate_email"],
        friend_email=row["friend_email"],
        order_source=row["order_source"],
        order_id=row["order_id"],
        order_total_minor=row["total_minor"],
        currency=row["currency"],
        referral_id=row["referral_id"],
        verdict=row["verdict"],
        reasons=tuple(row["reasons"].split()),
        decided_at=db_time(row["decided_at"]),
        review_verdict=row["review_verdict"],
        reviewed_by=row["reviewed_by"],
        review_note=row["review_note"],
        reviewed_at=from_db_time(row["reviewed_at"]),
    )


class FraudQueries(PrivacyQueries):
    async def fraud_rules(self, campaign_id: int) -> FraudRules:
        async with self._db.reading() as db:
            return await rules_of(db, campaign_id)

    async def set_fraud_rules(self, campaign_id: int, rules: FraudRules, at: datetime) -> None:
        values = [getattr(rules, column) for column in RULE_COLUMNS]
        columns = ", ".join(RULE_COLUMNS)
        updates = ", ".join(f"{column} = excluded.{column}" for column in RULE_COLUMNS)
        async with self._transaction() as db:
            await db.execute(
                f"INSERT INTO fraud_rules (campaign_id, {columns}, updated_at) "
                f"VALUES (?, {', '.join('?' for _ in RULE_COLUMNS)}, ?) "
                f"ON CONFLICT (campaign_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
                (campaign_id, *values, at),
            )

    async def fraud_decisions(
        self,
        *,
        campaign_id: int | None = None,
        verdict: str | None = None,
        awaiting_review: bool = False,
        reviewed: bool = False,
        before: int | None = None,
        limit: int = 50,
    ) -> list[FraudReview]:
        clauses: list[str] = []
        params: list[Any] = []
        for clause, value in (
            ("d.campaign_id = ?", campaign_id),
            ("d.verdict = ?", verdict),
            ("d.id < ?", before),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if awaiting_review:
            clauses.append("d.verdict = 'review' AND d.review_verdict IS NULL")
        if reviewed:
            clauses.append("d.review_verdict IS NOT NULL")
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = await self._all(
            f"{REVIEW_SELECT}{where} ORDER BY d.id DESC LIMIT ?", [*params, limit]
        )
        return [review_from_row(row) for row in rows]

    async def fraud_decision(self, decision_id: int) -> FraudReview | None:
        row = await self._one(f"{REVIEW_SELECT} WHERE d.id = ?", (decision_id,))
        return review_from_row(row) if row else None

    async def review_referral(
        self, decision_id: int, verdict: str, note: str | None, actor: str, at: datetime
    ) -> FraudReview | None:
        """The queue's answer, once: approved lets the rewards wait out their hold as usual;
        rejected revokes the pending ones. None when there is no such doubtful referral still
        waiting (unknown, not doubtful, or decided already)."""
        assert verdict in fraud.REVIEW_VERDICTS
        async with self._transaction() as db:
            decided = await db.fetchrow(
                "UPDATE fraud_decisions SET review_verdict = ?, reviewed_by = ?, review_note = ?, "
                "reviewed_at = ? WHERE id = ? AND verdict = 'review' AND review_verdict IS NULL "
                "RETURNING referral_id",
                (verdict, actor, note, at, decision_id),
            )
            if decided is None:
                return None
            if verdict == "rejected":
                reason = "fraud_review" + (f": {note}" if note else "")
                revoked = sorted(
                    row[0]
                    for row in await db.fetch(
                        "UPDATE rewards SET status = 'revoked', revoked_at = ?, revoke_reason = ? "
                        "WHERE status = 'pending' AND referral_id = ? AND kind = 'referral' "
                        "RETURNING id",
                        (at, "fraud_review", decided[0]),
                    )
                )
                await db.executemany(
                    "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, "
                    "actor, at) VALUES (?, 'pending', 'revoked', ?, ?, ?)",
                    [(reward_id, reason, actor, at) for reward_id in revoked],
                )
                await enqueue_reward_events(db, "reward.revoked", revoked, at)
                referral = await db.fetchrow(
                    "SELECT campaign_id, advocate_id FROM referrals WHERE id = ?", (decided[0],)
                )
                if referral is not None:  # no longer a successful referral (loyalty/)
                    await settle_advocate(db, referral[0], referral[1], at, reason="fraud_review")
        return await self.fraud_decision(decision_id)

    async def order_visit(self, order: PaidOrder, candidate: Candidate | None) -> OrderVisit | None:
        """The click an order came through, and the order's IP hashed with that click's day salt
        (the raw IP is never stored). Read before the order's transaction: clicks never change."""
        if candidate is None or candidate.click_token is None or order.ip is None:
            return None
        row = await self._one(
            "SELECT ip_hash, device, created_at FROM clicks WHERE token = ? UNION ALL "
            "SELECT ip_hash, device, created_at FROM uncounted_clicks WHERE token = ?",
            (candidate.click_token, candidate.click_token),
        )
        if row is None:
            return None
        salt = await self.ip_salt_on(shop_days.local_day(db_time(row["created_at"]), self.zone))
        if salt is None:  # that day's salt is gone: the click can no longer be compared
            return None
        return OrderVisit(row["ip_hash"], row["device"], visitors.ip_hash(salt, order.ip))
