"""Clawbacks: what approved rewards lose when their order is refunded or charged back afterwards
(the arithmetic is rewards.clawback; this module gathers its facts and writes its answer)."""

from __future__ import annotations

from datetime import datetime

from shareback import rewards
from shareback.outgoing import events
from shareback.storage.database import Connection, Row, db_int
from shareback.storage.sql.issuing import credit_lock
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
        f"{GIVEN} JOIN referrals r ON r.id = w.referral_id WHERE r.order_pk = ? "
        # What was given may be owed back; the friend's checkout discount never is. A milestone's
        # reward goes with the advocate's count, not with one order (storage/sql/loyalty.py).
        "AND w.status IN ('approved', 'fulfilled') AND w.fulfilment <> 'checkout' "
        "AND w.kind = 'referral' ORDER BY w.id",
        (order_pk,),
    )
    return await _claw_back(db, approved, reason, at, kept_minor, total_minor)


async def claw_back_reward(db: Connection, reward_id: int, reason: str, at: datetime) -> int:
    """One approved or fulfilled reward owed back whole (a milestone no longer reached); a reward
    clawed back before is not clawed back again."""
    rows = await db.fetch(
        f"{GIVEN} WHERE w.id = ? AND w.status IN ('approved', 'fulfilled')", (reward_id,)
    )
    return await _claw_back(db, rows, reason, at, None, 0)


GIVEN = (
    "SELECT w.id, w.type, w.value, w.currency, w.amount_minor, "
    "(SELECT COALESCE(SUM(k.amount_minor), 0) FROM clawbacks k WHERE k.reward_id = w.id) "
    "AS clawed, (SELECT COUNT(*) FROM clawbacks k WHERE k.reward_id = w.id "
    "AND k.amount_minor IS NULL) AS whole FROM rewards w"
)


async def _claw_back(
    db: Connection,
    approved: list[Row],
    reason: str,
    at: datetime,
    kept_minor: int | None,
    total_minor: int,
) -> int:
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
        clawback = await db.fetchrow(
            "INSERT INTO clawbacks (reward_id, amount_minor, reason, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (row["id"], owed.amount_minor, reason, at),
        )
        assert clawback is not None
        await _debit_credit(db, row["id"], clawback[0], owed.amount_minor, at)
        facts = await fetch_reward_facts(db, row["id"])
        assert facts is not None
        await enqueue(
            db, "reward.clawed_back", events.clawback_event(facts, reason, owed.amount_minor), at
        )
        written += 1
    return written


async def _debit_credit(
    db: Connection, reward_id: int, clawback_id: int, amount_minor: int | None, at: datetime
) -> None:
    """A clawed-back store-credit reward takes what it lost off the person's balance (under the
    lock a checkout's spend takes, so a spend and the debit never both read the old balance).
    The balance may go below zero when the credit was spent already: later credit pays it off,
    and nothing can be spent meanwhile."""
    entry = await db.fetchrow(
        "SELECT email_key, currency, amount_minor FROM credit_entries "
        "WHERE reward_id = ? AND kind = 'reward'",
        (reward_id,),
    )
    if entry is None:  # not a credit reward, or its credit was never added
        return
    debit = db_int(entry["amount_minor"]) if amount_minor is None else amount_minor
    if debit == 0:
        return
    await db.lock(credit_lock(entry["email_key"], entry["currency"]))
    await db.execute(
        "INSERT INTO credit_entries (email_key, currency, amount_minor, kind, reward_id, "
        "clawback_id, actor, created_at) VALUES (?, ?, ?, 'clawback', ?, ?, 'shareback', ?)",
        (entry["email_key"], entry["currency"], -debit, reward_id, clawback_id, at),
    )
