"""The referral loop in SQL: advocates, clicks, events, paid and refunded orders, reward approval."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from shareback import attribution, codes, rewards
from shareback.attribution import Candidate
from shareback.storage.base import (
    Advocate,
    Outcome,
    PaidOrder,
    ReferralRow,
    RewardRow,
    from_db_time,
    to_db_time,
)
from shareback.storage.sqlite.campaigns import campaign_from_row
from shareback.storage.sqlite.connection import SqliteBase


def _advocate(row: sqlite3.Row) -> Advocate:
    created = from_db_time(row["created_at"])
    assert created is not None
    return Advocate(
        id=row["id"],
        campaign_id=row["campaign_id"],
        email=row["email"],
        email_key=row["email_key"],
        name=row["name"],
        code=row["code"],
        verified=bool(row["verified"]),
        created_at=created,
    )


class ReferralQueries(SqliteBase):
    async def advocate_for(
        self,
        campaign_id: int,
        email: str,
        email_key: str,
        name: str | None,
        verified: bool,
        code_prefix: str,
        at: datetime,
    ) -> tuple[Advocate, bool]:
        async with self._transaction() as db:
            created = False
            for attempt in range(12):
                code = codes.new_code(code_prefix, 4 if attempt < 6 else 6)
                try:
                    cursor = await db.execute(
                        "INSERT INTO advocates (campaign_id, email, email_key, name, code, verified, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (campaign_id, email_key) DO NOTHING",
                        (campaign_id, email, email_key, name, code, int(verified), to_db_time(at)),
                    )
                except sqlite3.IntegrityError:
                    continue  # the code is taken: draw another
                created = cursor.rowcount == 1
                break
            else:
                raise RuntimeError("could not draw a free referral code")
            if not created and (verified or name):
                # A verified visit upgrades the record; a name fills a blank but never overwrites.
                await db.execute(
                    "UPDATE advocates SET verified = MAX(verified, ?), name = COALESCE(name, ?) "
                    "WHERE campaign_id = ? AND email_key = ?",
                    (int(verified), name, campaign_id, email_key),
                )
            async with db.execute(
                "SELECT * FROM advocates WHERE campaign_id = ? AND email_key = ?",
                (campaign_id, email_key),
            ) as cur:
                row = await cur.fetchone()
        assert row is not None
        return _advocate(row), created

    async def advocate_by_code(self, code: str) -> Advocate | None:
        row = await self._one("SELECT * FROM advocates WHERE code = ?", (code,))
        return _advocate(row) if row else None

    async def record_click(
        self, advocate_id: int, token: str, channel: str, ip_hash: str, device: str, at: datetime
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO clicks (advocate_id, campaign_id, token, channel, ip_hash, device, "
                "created_at) SELECT id, campaign_id, ?, ?, ?, ?, ? FROM advocates WHERE id = ?",
                (token, channel, ip_hash, device, to_db_time(at), advocate_id),
            )

    async def record_event(
        self,
        campaign_id: int,
        advocate_id: int | None,
        type: str,
        channel: str | None,
        at: datetime,
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO events (campaign_id, advocate_id, type, channel, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (campaign_id, advocate_id, type, channel, to_db_time(at)),
            )

    async def record_paid_order(
        self,
        message_id: str,
        order: PaidOrder,
        candidate: Candidate | None,
        no_candidate_reason: str,
    ) -> Outcome:
        now = to_db_time(datetime.now(UTC))
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (order.source, message_id, now),
            )
            if cursor.rowcount == 0:
                return Outcome("duplicate", "message_already_processed")
            async with db.execute(
                "INSERT INTO orders (source, order_id, email, email_key, total_minor, currency, "
                "status, paid_at) VALUES (?, ?, ?, ?, ?, ?, 'paid', ?) "
                "ON CONFLICT (source, order_id) DO NOTHING RETURNING id",
                (
                    order.source,
                    order.order_id,
                    order.email,
                    order.email_key,
                    order.total_minor,
                    order.currency,
                    to_db_time(order.paid_at),
                ),
            ) as cur:
                inserted = await cur.fetchone()
            if inserted is None:
                return Outcome("duplicate", "order_already_recorded")
            order_pk = inserted[0]
            if candidate is None:
                return Outcome("ignored", no_candidate_reason)
            async with db.execute(
                "SELECT * FROM campaigns WHERE id = ?", (candidate.campaign_id,)
            ) as cur:
                campaign_row = await cur.fetchone()
            assert campaign_row is not None
            campaign = campaign_from_row(campaign_row)
            prior = already = None
            if order.email_key is not None:
                async with db.execute(
                    "SELECT 1 FROM orders WHERE email_key = ? AND id <> ? LIMIT 1",
                    (order.email_key, order_pk),
                ) as cur:
                    prior = await cur.fetchone()
                async with db.execute(
                    "SELECT 1 FROM referrals WHERE campaign_id = ? AND friend_email_key = ?",
                    (campaign.id, order.email_key),
                ) as cur:
                    already = await cur.fetchone()
            decision = attribution.decide(
                candidate,
                campaign.rules,
                attribution.Facts(
                    friend_email_key=order.email_key,
                    paid_at=order.paid_at,
                    friend_has_prior_orders=prior is not None,
                    friend_already_referred=already is not None,
                ),
            )
            if not decision.credited:
                return Outcome(decision.status, decision.reason)
            click_id = None
            if candidate.click_token:
                async with db.execute(
                    "SELECT id FROM clicks WHERE token = ? AND advocate_id = ?",
                    (candidate.click_token, candidate.advocate_id),
                ) as cur:
                    click = await cur.fetchone()
                click_id = click[0] if click else None
            async with db.execute(
                "INSERT INTO referrals (campaign_id, advocate_id, order_pk, click_id, "
                "friend_email_key, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    campaign.id,
                    candidate.advocate_id,
                    order_pk,
                    click_id,
                    order.email_key,
                    candidate.via,
                    now,
                ),
            ) as cur:
                referral = await cur.fetchone()
            assert referral is not None
            async with db.execute(
                "SELECT email FROM advocates WHERE id = ?", (candidate.advocate_id,)
            ) as cur:
                advocate_row = await cur.fetchone()
            assert advocate_row is not None and order.email is not None
            due = to_db_time(rewards.approve_after(order.paid_at, campaign.hold_days))
            for side, spec, advocate_id, email in (
                ("referrer", campaign.referrer_reward, candidate.advocate_id, advocate_row[0]),
                ("friend", campaign.friend_reward, None, order.email),
            ):
                await db.execute(
                    "INSERT INTO rewards (referral_id, side, advocate_id, email, type, value, currency, "
                    "amount_minor, status, approve_after, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                    (
                        referral[0],
                        side,
                        advocate_id,
                        email,
                        spec.type,
                        spec.value,
                        spec.currency,
                        spec.cost_minor(order.total_minor),
                        due,
                        now,
                    ),
                )
            return Outcome("recorded", decision.reason, referral_id=referral[0])

    async def record_refund(
        self, message_id: str, source: str, order_id: str, at: datetime
    ) -> Outcome:
        stamp = to_db_time(at)
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (source, message_id, stamp),
            )
            if cursor.rowcount == 0:
                return Outcome("duplicate", "message_already_processed")
            cursor = await db.execute(
                "UPDATE orders SET status = 'refunded', refunded_at = ? "
                "WHERE source = ? AND order_id = ? AND status = 'paid'",
                (stamp, source, order_id),
            )
            if cursor.rowcount == 0:
                async with db.execute(
                    "SELECT status FROM orders WHERE source = ? AND order_id = ?",
                    (source, order_id),
                ) as cur:
                    known = await cur.fetchone()
                if known is None:
                    return Outcome("ignored", "unknown_order")
                return Outcome("duplicate", "order_already_refunded")
            cursor = await db.execute(
                "UPDATE rewards SET status = 'revoked', revoked_at = ?, revoke_reason = 'refund' "
                "WHERE status = 'pending' AND referral_id IN (SELECT r.id FROM referrals r "
                "JOIN orders o ON o.id = r.order_pk WHERE o.source = ? AND o.order_id = ?)",
                (stamp, source, order_id),
            )
            revoked = cursor.rowcount
            return Outcome("recorded", "refunded", revoked=revoked)

    async def approve_due_rewards(self, now: datetime) -> int:
        stamp = to_db_time(now)
        async with self._transaction() as db:
            # The audit rows first, while the rows still read 'pending'; both in one transaction.
            await db.execute(
                "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
                "SELECT id, 'pending', 'approved', 'hold period ended', 'scheduler', ? FROM rewards "
                "WHERE status = 'pending' AND approve_after <= ?",
                (stamp, stamp),
            )
            cursor = await db.execute(
                "UPDATE rewards SET status = 'approved', approved_at = ? "
                "WHERE status = 'pending' AND approve_after <= ?",
                (stamp, stamp),
            )
            return cursor.rowcount

    async def referral_for_order(self, source: str, order_id: str) -> ReferralRow | None:
        row = await self._one(
            "SELECT r.id, r.campaign_id, r.advocate_id, a.code, o.order_id, o.source, r.via, r.click_id "
            "FROM referrals r JOIN orders o ON o.id = r.order_pk JOIN advocates a ON a.id = r.advocate_id "
            "WHERE o.source = ? AND o.order_id = ?",
            (source, order_id),
        )
        if row is None:
            return None
        async with self._reader.execute(
            "SELECT * FROM rewards WHERE referral_id = ? ORDER BY side DESC", (row[0],)
        ) as cursor:
            reward_rows = await cursor.fetchall()
        return ReferralRow(
            id=row[0],
            campaign_id=row[1],
            advocate_id=row[2],
            advocate_code=row[3],
            order_id=row[4],
            source=row[5],
            via=row[6],
            click_id=row[7],
            rewards=tuple(
                RewardRow(
                    id=r["id"],
                    side=r["side"],
                    email=r["email"],
                    type=r["type"],
                    value=r["value"],
                    currency=r["currency"],
                    amount_minor=r["amount_minor"],
                    status=r["status"],
                    approve_after=from_db_time(r["approve_after"]) or datetime.now(UTC),
                    revoke_reason=r["revoke_reason"],
                )
                for r in reward_rows
            ),
        )
