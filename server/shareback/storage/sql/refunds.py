"""Refunds, partial refunds and chargebacks in SQL, in whatever order they arrive: one that comes
before its order is kept (pending_adjustments) and applied in the order's own transaction.

The end state depends only on which messages arrived, never on their order or repeats:
- partial refunds add up (refunds.refunded) and shrink every reward not approved to what the kept
  share is worth (pending and revoked alike, so "shrunk, then revoked" equals "revoked, then
  shrunk"); approved ones get a clawback of the difference (rewards.clawback never takes twice);
- a whole loss (refund, chargeback, or partial refunds reaching the total) revokes what is pending
  and claws back what was approved; a chargeback outranks a refund as the reason, arriving first
  or last."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from shareback import refunds, rewards
from shareback.order_value import Totals
from shareback.storage.database import Connection, Row, db_int
from shareback.storage.records import Outcome, PartialRefund, RefundPart
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.clawbacks import claw_back_order
from shareback.storage.sql.loyalty import settle_order
from shareback.storage.sql.outbox import enqueue_reward_events

LOSSES = ("refund", "chargeback")
AWAITING = Outcome("recorded", "awaiting_order")
ORDER_COLUMNS = "id, total_minor, currency, status, lost_reason, other_total_minor, other_currency"


def order_lock(source: str, order_id: str) -> str:
    """Taken by the order's arrival and by each of its refunds: a refund cannot be kept for an
    order that is being recorded at that very moment, and be forgotten."""
    return f"order:{source}:{order_id}"


async def find_order(db: Connection, source: str, order_id: str) -> Row | None:
    return await db.fetchrow(
        f"SELECT {ORDER_COLUMNS} FROM orders WHERE source = ? AND order_id = ?", (source, order_id)
    )


async def revoke_pending_rewards(
    db: Connection, order_pk: int, source: str, at: datetime, reason: str = "refund"
) -> int:
    """A lost order's rewards that are still pending are revoked; approved ones get a clawback."""
    revoked = sorted(
        row[0]
        for row in await db.fetch(
            "UPDATE rewards SET status = 'revoked', revoked_at = ?, revoke_reason = ? "
            "WHERE status = 'pending' AND kind = 'referral' AND referral_id IN "
            "(SELECT r.id FROM referrals r WHERE r.order_pk = ?) RETURNING id",
            (at, reason, order_pk),
        )
    )
    await db.executemany(
        "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
        "VALUES (?, 'pending', 'revoked', ?, ?, ?)",
        [(reward_id, reason, f"webhook:{source}", at) for reward_id in revoked],
    )
    await enqueue_reward_events(db, "reward.revoked", revoked, at)
    return len(revoked)


async def shrink_unapproved_rewards(
    db: Connection, order_pk: int, total_minor: int, kept_minor: int
) -> int:
    """Rewards worth a share of the order are recomputed on what was kept (rewards.shrunk_amount)."""
    rows = await db.fetch(
        "SELECT w.id, w.type, w.value, w.currency, w.amount_minor FROM rewards w "
        "JOIN referrals r ON r.id = w.referral_id WHERE r.order_pk = ? "
        "AND w.status IN ('pending', 'revoked') AND w.kind = 'referral' ORDER BY w.id",
        (order_pk,),
    )
    reduced = 0
    for row in rows:
        spec = rewards.RewardSpec(row["type"], row["value"], row["currency"])
        amount = rewards.shrunk_amount(spec, total_minor, kept_minor, row["amount_minor"])
        if amount is not None:
            await db.execute(
                "UPDATE rewards SET amount_minor = ? WHERE id = ?", (amount, row["id"])
            )
            reduced += 1
    return reduced


async def lose_order(db: Connection, order: Row, source: str, reason: str, at: datetime) -> Outcome:
    """The whole order is gone (reason "refund" or "chargeback")."""
    if order["status"] == "refunded":
        if reason == "chargeback" and order["lost_reason"] != "chargeback":
            await _charged_back_after_refund(db, order["id"])
            return Outcome("recorded", "charged_back")
        return Outcome("duplicate", "order_already_refunded")
    await db.execute(
        "UPDATE orders SET status = 'refunded', refunded_at = ?, refunded_minor = total_minor, "
        "lost_reason = ? WHERE id = ?",
        (at, reason, order["id"]),
    )
    revoked = await revoke_pending_rewards(db, order["id"], source, at, reason)
    clawed = await claw_back_order(db, order["id"], reason, at)
    await settle_order(db, order["id"], reason, at)  # the advocate's milestones and tier
    outcome = "charged_back" if reason == "chargeback" else "refunded"
    return Outcome("recorded", outcome, revoked=revoked, clawed_back=clawed)


async def _charged_back_after_refund(db: Connection, order_pk: int) -> None:
    """The bank took the money back after the shop refunded it: the reason becomes the chargeback,
    as if it had come first. Nothing more is owed: the refund already took everything."""
    rewards_of_order = "SELECT w.id FROM rewards w JOIN referrals r ON r.id = w.referral_id "
    await db.execute("UPDATE orders SET lost_reason = 'chargeback' WHERE id = ?", (order_pk,))
    await db.execute(
        "UPDATE rewards SET revoke_reason = 'chargeback' WHERE revoke_reason = 'refund' "
        f"AND id IN ({rewards_of_order} WHERE r.order_pk = ?)",
        (order_pk,),
    )
    await db.execute(
        "UPDATE clawbacks SET reason = 'chargeback' WHERE reason = 'refund' "
        f"AND reward_id IN ({rewards_of_order} WHERE r.order_pk = ?)",
        (order_pk,),
    )


async def refunded_so_far(db: Connection, order_pk: int, total_minor: int) -> refunds.Refunded:
    """What the order's partial refunds add up to (a whole loss is the order's status)."""
    sums = await db.fetchrow(
        "SELECT COALESCE(SUM(amount_minor) FILTER (WHERE NOT cumulative), 0), "
        "COALESCE(MAX(amount_minor) FILTER (WHERE cumulative), 0) "
        "FROM order_refunds WHERE order_pk = ?",
        (order_pk,),
    )
    assert sums is not None
    return refunds.refunded(total_minor, db_int(sums[0]), db_int(sums[1]))


async def add_refund_parts(
    db: Connection,
    order: Row,
    source: str,
    parts: tuple[RefundPart, ...],
    currency: str | None,
    cumulative: bool,
    at: datetime,
) -> Outcome:
    # Money (issue 8): a refund in the order's second currency counts for its share.
    totals = Totals(
        order["total_minor"], order["currency"], order["other_total_minor"], order["other_currency"]
    )
    amounts = [refunds.in_order_minor(part.amount, currency, totals) for part in parts]
    if None in amounts:
        return Outcome("ignored", "currency_mismatch")
    added = 0
    for part, amount_minor in zip(parts, amounts, strict=True):
        added += await db.execute(
            "INSERT INTO order_refunds (order_pk, refund_key, amount_minor, cumulative, "
            "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_pk, refund_key) DO NOTHING",
            (order["id"], part.key, amount_minor, cumulative, at),
        )
    if added == 0:
        return Outcome("duplicate", "refund_already_recorded")
    total = order["total_minor"]
    so_far = await refunded_so_far(db, order["id"], total)
    reduced = await shrink_unapproved_rewards(db, order["id"], total, so_far.kept_minor)
    if order["status"] == "refunded":
        return Outcome("duplicate", "order_already_refunded")
    if so_far.whole:
        return await lose_order(db, order, source, "refund", at)
    await db.execute(
        "UPDATE orders SET refunded_minor = ? WHERE id = ?", (so_far.refunded_minor, order["id"])
    )
    clawed = await claw_back_order(db, order["id"], "partial_refund", at, so_far.kept_minor, total)
    await settle_order(db, order["id"], "partial_refund", at)  # a tier by spend may change
    return Outcome("recorded", "partially_refunded", reduced=reduced, clawed_back=clawed)


async def keep_adjustment(
    db: Connection,
    source: str,
    order_id: str,
    kind: str,
    at: datetime,
    part: RefundPart | None = None,
    currency: str | None = None,
    cumulative: bool = False,
) -> bool:
    """False when this very adjustment is kept already."""
    kept = await db.execute(
        "INSERT INTO pending_adjustments (source, order_id, kind, refund_key, amount, currency, "
        "cumulative, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (source, order_id, refund_key) DO NOTHING",
        (
            source,
            order_id,
            kind,
            part.key if part else kind,
            str(part.amount) if part else None,
            currency,
            cumulative,
            at,
        ),
    )
    return kept == 1


async def apply_pending_adjustments(
    db: Connection, source: str, order_id: str, at: datetime
) -> None:
    """What came before the order, applied to it as soon as it is written, before it has any
    rewards (settle_new_rewards then treats those as if they had been there all along)."""
    kept = await db.fetch(
        "DELETE FROM pending_adjustments WHERE source = ? AND order_id = ? "
        "RETURNING kind, refund_key, amount, currency, cumulative",
        (source, order_id),
    )
    for row in sorted(kept, key=lambda row: (row["kind"] != "partial_refund", row["refund_key"])):
        order = await find_order(db, source, order_id)
        assert order is not None
        if row["kind"] == "partial_refund":
            part = RefundPart(row["refund_key"], Decimal(row["amount"]))
            await add_refund_parts(
                db, order, source, (part,), row["currency"], bool(row["cumulative"]), at
            )
        else:
            await lose_order(db, order, source, row["kind"], at)


async def settle_new_rewards(db: Connection, order_pk: int, source: str, at: datetime) -> Outcome:
    """Rewards just created for an order already (partly) refunded: shrunk and revoked as they
    would have been had the refunds come after them. Only counts are meaningful in the answer."""
    order = await db.fetchrow(f"SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?", (order_pk,))
    assert order is not None
    so_far = await refunded_so_far(db, order_pk, order["total_minor"])
    reduced = await shrink_unapproved_rewards(db, order_pk, order["total_minor"], so_far.kept_minor)
    revoked = 0
    if order["status"] == "refunded":
        revoked = await revoke_pending_rewards(
            db, order_pk, source, at, order["lost_reason"] or "refund"
        )
    return Outcome("recorded", "settled", revoked=revoked, reduced=reduced)


async def first_message(db: Connection, source: str, message_id: str, at: datetime) -> bool:
    """A platform's retry of a message already handled changes nothing."""
    return (
        await db.execute(
            "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (source, message_id, at),
        )
        == 1
    )


class RefundQueries(SqlBase):
    async def record_refund(
        self, message_id: str, source: str, order_id: str, at: datetime, reason: str = "refund"
    ) -> Outcome:
        assert reason in LOSSES
        async with self._transaction() as db:
            if not await first_message(db, source, message_id, at):
                return Outcome("duplicate", "message_already_processed")
            await db.lock(order_lock(source, order_id))
            order = await find_order(db, source, order_id)
            if order is None:
                if await keep_adjustment(db, source, order_id, reason, at):
                    return AWAITING
                return Outcome("duplicate", AWAITING.reason)
            return await lose_order(db, order, source, reason, at)

    async def record_partial_refund(self, message_id: str, refund: PartialRefund) -> Outcome:
        at = refund.at
        async with self._transaction() as db:
            if not await first_message(db, refund.source, message_id, at):
                return Outcome("duplicate", "message_already_processed")
            await db.lock(order_lock(refund.source, refund.order_id))
            order = await find_order(db, refund.source, refund.order_id)
            if order is None:
                kept = 0
                for part in refund.parts:
                    kept += await keep_adjustment(
                        db,
                        refund.source,
                        refund.order_id,
                        "partial_refund",
                        at,
                        part,
                        refund.currency,
                        refund.cumulative,
                    )
                return AWAITING if kept else Outcome("duplicate", "refund_already_recorded")
            return await add_refund_parts(
                db, order, refund.source, refund.parts, refund.currency, refund.cumulative, at
            )
