"""Rewards reaching people in SQL: created with their fulfilment method (fulfilment.method), the
friend's checkout discount fulfilled with the order, and "fulfilled" recorded once, audited and
announced, whoever says it (a payout marked paid, the shop, the ledger, a code)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shareback import fulfilment
from shareback.rewards import RewardSpec
from shareback.storage.database import Connection
from shareback.storage.records import PaidOrder
from shareback.storage.sql.outbox import enqueue_reward_events

CHECKOUT_REASON = "discount given at the checkout"


async def create_rewards(
    db: Connection,
    referral_id: int,
    sides: Iterable[tuple[str, RewardSpec, int | None, str]],
    total_minor: int,
    subtotal_minor: int | None,
    discount_minor: int | None,
    approve_after: datetime,
    order: PaidOrder,
) -> list[int]:
    """One reward per side. The friend's discount is fulfilled at once, worth what the shop gave;
    every other reward starts pending."""
    reward_ids: list[int] = []
    for side, spec, advocate_id, email in sides:
        how = fulfilment.method(side, spec.type)
        if how == fulfilment.CHECKOUT:
            amount = fulfilment.checkout_discount_minor(
                spec, total_minor, subtotal_minor=subtotal_minor, discount_minor=discount_minor
            )
            status, fulfilled_at, ref = "fulfilled", order.paid_at, f"order:{order.order_id}"
        else:
            amount = spec.cost_minor(total_minor)
            status, fulfilled_at, ref = "pending", None, None
        row = await db.fetchrow(
            "INSERT INTO rewards (referral_id, side, advocate_id, email, type, value, currency, "
            "amount_minor, status, approve_after, created_at, fulfilment, fulfilled_at, "
            "fulfilled_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                referral_id,
                side,
                advocate_id,
                email,
                spec.type,
                spec.value,
                spec.currency,
                amount,
                status,
                approve_after,
                order.paid_at,
                how,
                fulfilled_at,
                ref,
            ),
        )
        assert row is not None
        reward_ids.append(row[0])
    return reward_ids


async def announce_checkout_fulfilment(
    db: Connection, reward_ids: list[int], order: PaidOrder
) -> None:
    """The checkout's discount, audited and announced like every other fulfilment."""
    rows = await db.fetch(
        "SELECT id FROM rewards WHERE fulfilment = 'checkout' AND status = 'fulfilled' "
        f"AND id IN ({', '.join('?' * len(reward_ids))}) ORDER BY id",
        reward_ids,
    )
    fulfilled = [row[0] for row in rows]
    await db.executemany(
        "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
        "VALUES (?, 'pending', 'fulfilled', ?, ?, ?)",
        [(rid, CHECKOUT_REASON, f"webhook:{order.source}", order.paid_at) for rid in fulfilled],
    )
    await enqueue_reward_events(db, "reward.fulfilled", fulfilled, order.paid_at)


async def fulfil(
    db: Connection,
    reward_ids: Iterable[int],
    *,
    how: str,
    ref: str | None,
    reason: str,
    actor: str,
    at: datetime,
) -> list[int]:
    """Approved rewards fulfilled by `how`, each once: the status in the WHERE makes a concurrent
    second fulfilment move nothing. Returns the ids it moved, audited and announced."""
    moved: list[int] = []
    for reward_id in dict.fromkeys(reward_ids):
        row = await db.fetchrow(
            "UPDATE rewards SET status = 'fulfilled', fulfilled_at = ?, fulfilled_ref = ? "
            "WHERE id = ? AND status = 'approved' AND fulfilment = ? RETURNING id",
            (at, ref, reward_id, how),
        )
        if row is None:
            continue
        await db.execute(
            "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
            "VALUES (?, 'approved', 'fulfilled', ?, ?, ?)",
            (reward_id, reason, actor, at),
        )
        moved.append(reward_id)
    await enqueue_reward_events(db, "reward.fulfilled", moved, at)
    return moved
