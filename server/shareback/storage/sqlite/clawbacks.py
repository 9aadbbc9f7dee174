"""Clawbacks: what approved rewards lose when their order is refunded or charged back afterwards."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from shareback import money, rewards
from shareback.storage.base import to_db_time
from shareback.storage.sqlite.outbox import REWARD_FACTS, enqueue, reward_event


async def _already_clawed(db: aiosqlite.Connection, reward_id: int) -> tuple[int, bool]:
    """(minor units clawed back so far, whether a whole-reward clawback exists)."""
    async with db.execute(
        "SELECT COALESCE(SUM(amount_minor), 0), COUNT(*) FILTER (WHERE amount_minor IS NULL) "
        "FROM clawbacks WHERE reward_id = ?",
        (reward_id,),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0]), bool(row[1])


async def _write(
    db: aiosqlite.Connection, reward_id: int, amount: int | None, reason: str, at: datetime
) -> None:
    await db.execute(
        "INSERT INTO clawbacks (reward_id, amount_minor, reason, created_at) VALUES (?, ?, ?, ?)",
        (reward_id, amount, reason, to_db_time(at)),
    )
    async with db.execute(REWARD_FACTS, (reward_id,)) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    event = reward_event(row)
    event["clawback"] = {
        "reason": reason,
        "amount": None if amount is None else money.from_minor(amount, row["currency"]),
    }
    await enqueue(db, "reward.clawed_back", event, at)


async def claw_back_order(
    db: aiosqlite.Connection,
    order_pk: int,
    reason: str,
    at: datetime,
    kept_minor: int | None = None,
    total_minor: int | None = None,
) -> int:
    """For each approved reward of the order: a clawback of what it is no longer worth.
    kept_minor None means the whole order is gone (refund or chargeback)."""
    async with db.execute(
        "SELECT w.id, w.type, w.value, w.currency, w.amount_minor FROM rewards w "
        "JOIN referrals r ON r.id = w.referral_id WHERE r.order_pk = ? AND w.status = 'approved'",
        (order_pk,),
    ) as cursor:
        approved = await cursor.fetchall()
    written = 0
    for row in approved:
        clawed, whole = await _already_clawed(db, row["id"])
        if whole:
            continue
        if row["amount_minor"] is None:
            if kept_minor is None:  # points or a coupon: only a lost order takes them back
                await _write(db, row["id"], None, reason, at)
                written += 1
            continue
        if kept_minor is None:
            worth = 0
        else:
            assert total_minor is not None
            spec = rewards.RewardSpec(row["type"], row["value"], row["currency"])
            if spec.cost_minor(total_minor) == spec.cost_minor(kept_minor):
                continue  # a fixed reward keeps its worth after a partial refund
            worth = spec.cost_minor(kept_minor) or 0
        owed = row["amount_minor"] - clawed - worth
        if owed > 0:
            await _write(db, row["id"], owed, reason, at)
            written += 1
    return written
