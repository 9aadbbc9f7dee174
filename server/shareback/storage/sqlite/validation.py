"""The reward validation callback's queue in SQL: due pending rewards of campaigns with a callback,
claimed under a lease, and the shop's verdict applied only while the reward is still pending."""

from __future__ import annotations

from datetime import datetime, timedelta

from shareback.storage.base import DueValidation, to_db_time
from shareback.storage.sqlite.connection import SqliteBase
from shareback.storage.sqlite.outbox import REWARD_FACTS, enqueue_reward_events, reward_event

ACTOR = "validation callback"


class ValidationQueries(SqliteBase):
    async def claim_validations(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueValidation]:
        stamp = to_db_time(now)
        async with self._transaction() as db:
            async with db.execute(
                "UPDATE rewards SET validation_lease_until = ?, validation_leased_by = ? "
                "WHERE id IN (SELECT w.id FROM rewards w JOIN referrals r ON r.id = w.referral_id "
                "JOIN campaigns c ON c.id = r.campaign_id WHERE w.status = 'pending' "
                "AND w.approve_after <= ? AND c.validation_url IS NOT NULL "
                "AND (w.validation_next_at IS NULL OR w.validation_next_at <= ?) "
                "AND (w.validation_lease_until IS NULL OR w.validation_lease_until < ?) "
                "ORDER BY w.approve_after, w.id LIMIT ?) RETURNING id",
                (to_db_time(now + lease), worker, stamp, stamp, stamp, limit),
            ) as cursor:
                ids = sorted(row[0] for row in await cursor.fetchall())
            claimed = []
            for reward_id in ids:
                async with db.execute(REWARD_FACTS, (reward_id,)) as cursor:
                    facts = await cursor.fetchone()
                async with db.execute(
                    "SELECT c.validation_url, c.validation_secret, w.validation_attempts "
                    "FROM rewards w JOIN referrals r ON r.id = w.referral_id "
                    "JOIN campaigns c ON c.id = r.campaign_id WHERE w.id = ?",
                    (reward_id,),
                ) as cursor:
                    target = await cursor.fetchone()
                assert facts is not None and target is not None
                claimed.append(
                    DueValidation(
                        reward_id=reward_id,
                        attempts=target["validation_attempts"],
                        url=target["validation_url"],
                        secret=target["validation_secret"],
                        payload=reward_event(facts),
                    )
                )
        return claimed

    async def finish_validation(
        self,
        reward_id: int,
        worker: str,
        *,
        verdict: str,
        reason: str | None,
        retry_at: datetime | None,
        now: datetime,
    ) -> bool:
        stamp = to_db_time(now)
        mine = "id = ? AND status = 'pending' AND validation_leased_by = ?"
        async with self._transaction() as db:
            if verdict == "retry":
                cursor = await db.execute(
                    "UPDATE rewards SET validation_attempts = validation_attempts + 1, "
                    "validation_next_at = ?, validation_error = ?, validation_lease_until = NULL, "
                    f"validation_leased_by = NULL WHERE {mine}",
                    (to_db_time(retry_at or now), reason, reward_id, worker),
                )
                return cursor.rowcount == 1
            approved = verdict == "approved"
            cursor = await db.execute(
                f"UPDATE rewards SET status = ?, {'approved_at' if approved else 'revoked_at'} = ?, "
                "revoke_reason = ?, validation_attempts = validation_attempts + 1, "
                "validation_error = NULL, validation_lease_until = NULL, "
                f"validation_leased_by = NULL WHERE {mine}",
                (verdict, stamp, None if approved else reason, reward_id, worker),
            )
            if cursor.rowcount != 1:
                return False  # refunded or decided by the owner meanwhile, or the lease ran out
            await db.execute(
                "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
                "VALUES (?, 'pending', ?, ?, ?, ?)",
                (reward_id, verdict, reason, ACTOR, stamp),
            )
            await enqueue_reward_events(db, f"reward.{verdict}", [reward_id], now)
            return True
