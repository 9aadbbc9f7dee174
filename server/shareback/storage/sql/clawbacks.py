"""Clawbacks: what approved rewards lose when their order is refunded or charged back afterwards
(the arithmetic is rewards.clawback; this module gathers its facts and writes its answer)."""

from __future__ import annotations

from datetime import datetime

from shareback import rewards
from shareback.outgoing import events
from shareback.storage.database import Connection, db_int
from shareback.storage.sql.outbox import enqueue, fetch_reward_facts


async def claw_back_order(
    db: Connection,
    order_pk: int,
    reason: str,
    at: datetime,
    kept_minor: int | None = None,
    total_minor: int = 0,
) -> int:
    """For each approved or fulfilled reward of the order: a clawback of what it is no longer worth.
    kept_minor None means the whole order is gone (refund or chargeback)."""
    approved = await db.fetch(
        "SELECT w.id, w.type, w.value, w.currency, w.amount_minor, "
        "(SELECT COALESCE(SUM(k.amount_minor), 0) FROM clawbacks k WHERE k.reward_id = w.id) "
        "AS clawed, (SELECT COUNT(*) FROM clawbacks k WHERE k.reward_id = w.id "
        "AND k.amount_minor IS NULL) AS whole FROM rewards w "
        "JOIN referrals r ON r.id = w.referral_id WHERE r.order_pk = ? "
        # What was given may be owed back; the friend's checkout discount never is.
        "AND w.status IN ('approved', 'fulfilled') AND w.fulfilment <> 'checkout' ORDER BY w.id",
        (order_pk,),
    )
    written = 0
    for row in approved:
        owed = rewards.clawback(
            rewards.RewardSpec(row["type"], row["value"], row["currency"]),
            row["amount_minor"],
            clawed_minor=db_int(row["clawed"]),
            wholly_clawed=row["whole"] > 0,
            kept_minor=kept_minor,
            total_minor=total_minor,
        )
        if owed is None:
            continue
        await db.execute(
            "INSERT INTO clawbacks (reward_id, amount_minor, reason, created_at) VALUES (?, ?, ?, ?)",
            (row["id"], owed.amount_minor, reason, at),
        )
        facts = await fetch_reward_facts(db, row["id"])
        assert facts is not None
        await enqueue(
            db, "reward.clawed_back", events.clawback_event(facts, reason, owed.amount_minor), at
        )
        written += 1
    return written
