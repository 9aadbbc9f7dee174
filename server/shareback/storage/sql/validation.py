"""The reward validation callback's queue in SQL: due pending rewards of campaigns with a callback,
claimed under a lease, and the shop's verdict applied only while the reward is still pending."""

from __future__ import annotations

from datetime import datetime, timedelta

from shareback.fulfilment import SHOP
from shareback.outgoing import events
from shareback.storage.records import DueValidation
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.fraud import UNDER_REVIEW
from shareback.storage.sql.fulfilment import fulfil
from shareback.storage.sql.issuing import fulfil_approved
from shareback.storage.sql.outbox import enqueue_reward_events, fetch_reward_facts

ACTOR = "validation callback"


class ValidationQueries(SqlBase):
    async def claim_validations(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueValidation]:
        free = (
            "{0}status = 'pending' AND {0}approve_after <= ? "
            "AND ({0}validation_next_at IS NULL OR {0}validation_next_at <= ?) "
            "AND ({0}validation_lease_until IS NULL OR {0}validation_lease_until < ?)"
        )
        async with self._transaction() as db:
            # Picked once, in a materialised CTE (see OutboxQueries.claim_deliveries: an
            # `id IN (subquery)` may be rescanned per row and lease past the limit).
            claimed = await db.fetch(
                "WITH picked AS MATERIALIZED (SELECT w.id FROM rewards w "
                "JOIN referrals r ON r.id = w.referral_id JOIN campaigns c ON c.id = r.campaign_id "
                f"WHERE c.validation_url IS NOT NULL AND {free.format('w.')} "
                f"AND NOT {UNDER_REVIEW.format('w.referral_id')} "
                f"ORDER BY w.approve_after, w.id LIMIT ?{self.dialect.lock_rows('w')}) "
                "UPDATE rewards SET validation_lease_until = ?, validation_leased_by = ? "
                f"WHERE {free.format('')} AND id IN (SELECT id FROM picked) RETURNING id",
                (now, now, now, limit, now + lease, worker, now, now, now),
            )
            claims = []
            for reward_id in sorted(row[0] for row in claimed):
                facts = await fetch_reward_facts(db, reward_id)
                target = await db.fetchrow(
                    "SELECT c.validation_url, c.validation_secret, w.validation_attempts "
                    "FROM rewards w JOIN referrals r ON r.id = w.referral_id "
                    "JOIN campaigns c ON c.id = r.campaign_id WHERE w.id = ?",
                    (reward_id,),
                )
                assert facts is not None and target is not None
                claims.append(
                    DueValidation(
                        reward_id=reward_id,
                        attempts=target["validation_attempts"],
                        url=target["validation_url"],
                        secret=target["validation_secret"],
                        payload=events.reward_event(facts),
                    )
                )
        return claims

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
        mine = "id = ? AND status = 'pending' AND validation_leased_by = ?"
        async with self._transaction() as db:
            if verdict == "retry":
                changed = await db.execute(
                    "UPDATE rewards SET validation_attempts = validation_attempts + 1, "
                    "validation_next_at = ?, validation_error = ?, validation_lease_until = NULL, "
                    f"validation_leased_by = NULL WHERE {mine}",
                    (retry_at or now, reason, reward_id, worker),
                )
                return changed == 1
            fulfilled = verdict == "fulfilled"
            verdict = "approved" if fulfilled else verdict
            approved = verdict == "approved"
            changed = await db.execute(
                f"UPDATE rewards SET status = ?, {'approved_at' if approved else 'revoked_at'} = ?, "
                "revoke_reason = ?, validation_attempts = validation_attempts + 1, "
                "validation_error = NULL, validation_lease_until = NULL, "
                f"validation_leased_by = NULL WHERE {mine}",
                (verdict, now, None if approved else reason, reward_id, worker),
            )
            if changed != 1:
                return False  # refunded or decided by the owner meanwhile, or the lease ran out
            await db.execute(
                "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
                "VALUES (?, 'pending', ?, ?, ?, ?)",
                (reward_id, verdict, reason, ACTOR, now),
            )
            await enqueue_reward_events(db, f"reward.{verdict}", [reward_id], now)
            if approved:  # credit and coupons are issued at once
                await fulfil_approved(db, [reward_id], ACTOR, now)
            if fulfilled:  # only moves a reward the shop gives itself (fulfilment.can_fulfil)
                await fulfil(
                    db, [reward_id], how=SHOP, ref=None, reason=reason or ACTOR, actor=ACTOR, at=now
                )
            return True
