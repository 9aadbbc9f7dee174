"""Payout batches in SQL: advocates' payout accounts, batches of approved cash rewards (each reward
in at most one batch, ever: payout_items.reward_id is unique), and a batch marked paid fulfilling
its rewards (storage/sql/fulfilment.py), each step audited and announced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shareback import payouts
from shareback.outgoing import events
from shareback.payouts import PayoutAccount
from shareback.storage.database import Connection, Row, db_int, db_time, from_db_time
from shareback.storage.partner_records import PayablePartner
from shareback.storage.records import (
    BatchRefusal,
    PayableReward,
    PayoutBatch,
    PayoutItem,
)
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.fulfilment import fulfil
from shareback.storage.sql.outbox import enqueue
from shareback.storage.sql.partner_payouts import (
    partner_items,
    pay_partner_commissions,
    payable_partners,
    take_partners,
    write_partner_payouts,
)

# Serialises batch creation: what "free" means is checked, then written, under the lock; the
# unique reward_id is the last word should anything get past it.
BATCH_LOCK = "payout_batches"

PAYABLE = (
    "SELECT w.id AS reward_id, c.slug AS campaign_slug, a.id AS advocate_id, "
    "a.code AS advocate_code, w.email, w.currency, w.amount_minor, w.approved_at, "
    "(SELECT COALESCE(SUM(k.amount_minor), 0) FROM clawbacks k WHERE k.reward_id = w.id) "
    "AS clawed, (SELECT COUNT(*) FROM clawbacks k WHERE k.reward_id = w.id "
    "AND k.amount_minor IS NULL) AS whole, p.holder_name, p.iban, p.bic, "
    "(SELECT COUNT(*) FROM payout_items i WHERE i.reward_id = w.id) AS batched, w.status, "
    "w.fulfilment, w.side FROM rewards w JOIN referrals r ON r.id = w.referral_id "
    "JOIN campaigns c ON c.id = r.campaign_id JOIN advocates a ON a.id = r.advocate_id "
    "LEFT JOIN payout_accounts p ON p.advocate_id = a.id"
)


def _account(row: Row) -> PayoutAccount | None:
    if row["iban"] is None:
        return None
    return PayoutAccount(row["holder_name"], row["iban"], row["bic"])


def _payable(row: Row) -> PayableReward:
    return PayableReward(
        reward_id=row["reward_id"],
        campaign_slug=row["campaign_slug"],
        advocate_id=row["advocate_id"],
        advocate_code=row["advocate_code"],
        email=row["email"],
        currency=row["currency"],
        amount_minor=row["amount_minor"],
        clawed_back_minor=db_int(row["clawed"]),
        approved_at=from_db_time(row["approved_at"]),
        account=_account(row),
    )


def _refusal(row: Row | None, currency: str | None) -> str | None:
    """Why this reward cannot join a new batch, or None when it can."""
    if row is None:
        return "unknown_reward"
    if row["batched"]:
        return "already_in_a_batch"
    # Cash is paid to advocates (the account is the advocate's): never a friend's reward.
    if row["status"] != "approved" or row["fulfilment"] != "payout" or row["side"] != "referrer":
        return "not_payable"
    if row["whole"] or payouts.payable_minor(row["amount_minor"], db_int(row["clawed"])) <= 0:
        return "nothing_owed"
    if row["iban"] is None:
        return "no_payout_account"
    if currency is not None and row["currency"] != currency:
        return "other_currency"
    return None


async def _batch(db: Connection, batch_id: int) -> PayoutBatch | None:
    row = await db.fetchrow("SELECT * FROM payout_batches WHERE id = ?", (batch_id,))
    if row is None:
        return None
    items = await db.fetch(
        "SELECT i.*, a.code, w.email FROM payout_items i JOIN advocates a ON a.id = i.advocate_id "
        "JOIN rewards w ON w.id = i.reward_id WHERE i.batch_id = ? ORDER BY i.reward_id",
        (batch_id,),
    )
    return PayoutBatch(
        id=row["id"],
        currency=row["currency"],
        total_minor=db_int(row["total_minor"]),
        status=row["status"],
        created_by=row["created_by"],
        created_at=db_time(row["created_at"]),
        paid_by=row["paid_by"],
        paid_at=from_db_time(row["paid_at"]),
        items=tuple(
            PayoutItem(
                reward_id=item["reward_id"],
                advocate_code=item["code"],
                email=item["email"],
                amount_minor=db_int(item["amount_minor"]),
                account=PayoutAccount(item["holder_name"], item["iban"], item["bic"]),
            )
            for item in items
        ),
        partner_items=await partner_items(db, batch_id),
    )


class PayoutQueries(SqlBase):
    async def set_payout_account(
        self, advocate_id: int, account: PayoutAccount, actor: str, at: datetime
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO payout_accounts (advocate_id, holder_name, iban, bic, updated_by, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (advocate_id) DO UPDATE SET "
                "holder_name = excluded.holder_name, iban = excluded.iban, bic = excluded.bic, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (advocate_id, account.holder_name, account.iban, account.bic, actor, at),
            )

    async def payout_account(self, advocate_id: int) -> PayoutAccount | None:
        row = await self._one(
            "SELECT holder_name, iban, bic FROM payout_accounts WHERE advocate_id = ?",
            (advocate_id,),
        )
        return None if row is None else _account(row)

    async def payable_rewards(self, campaign_id: int | None = None) -> list[PayableReward]:
        """Approved cash rewards in no batch, oldest approval first, with what they still owe."""
        scope = "" if campaign_id is None else " AND r.campaign_id = ?"
        rows = await self._all(
            f"{PAYABLE} WHERE w.status = 'approved' AND w.fulfilment = 'payout' "
            f"AND w.side = 'referrer'{scope} "
            "AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.reward_id = w.id) "
            "ORDER BY w.approved_at, w.id",
            [] if campaign_id is None else [campaign_id],
        )
        return [
            reward
            for reward in map(_payable, rows)
            if payouts.payable_minor(reward.amount_minor, reward.clawed_back_minor) > 0
        ]

    async def payable_partners(self) -> list[PayablePartner]:
        """Partners whose approved commissions, less unsettled clawbacks, owe them something."""
        async with self._db.reading() as db:
            return await payable_partners(db)

    async def create_payout_batch(
        self,
        reward_ids: Sequence[int],
        actor: str,
        at: datetime,
        partner_ids: Sequence[int] = (),
    ) -> tuple[PayoutBatch | None, list[BatchRefusal]]:
        """A batch of those rewards and partners' commissions that can be paid (in the first
        one's currency); the rest are refused with the reason. None when none can."""
        refused: list[BatchRefusal] = []
        async with self._transaction() as db:
            await db.lock(BATCH_LOCK)
            taken: list[Row] = []
            currency: str | None = None
            for reward_id in dict.fromkeys(reward_ids):
                row = await db.fetchrow(f"{PAYABLE} WHERE w.id = ?", (reward_id,))
                reason = _refusal(row, currency)
                if reason is not None or row is None:
                    refused.append(BatchRefusal(reward_id, reason or "unknown_reward"))
                    continue
                currency = row["currency"]
                taken.append(row)
            partners, left_out, currency = await take_partners(db, partner_ids, currency)
            refused += left_out
            if not taken and not partners:
                return None, refused
            owed = [payouts.payable_minor(r["amount_minor"], db_int(r["clawed"])) for r in taken]
            total = sum(owed) + sum(p.amount_minor for p in partners)
            batch = await db.fetchrow(
                "INSERT INTO payout_batches (currency, total_minor, status, created_by, "
                "created_at) VALUES (?, ?, 'open', ?, ?) RETURNING id",
                (currency, total, actor, at),
            )
            assert batch is not None
            await db.executemany(  # (none: a batch of partners' commissions only)
                "INSERT INTO payout_items (batch_id, reward_id, advocate_id, amount_minor, "
                "holder_name, iban, bic) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        batch[0],
                        r["reward_id"],
                        r["advocate_id"],
                        amount,
                        r["holder_name"],
                        r["iban"],
                        r["bic"],
                    )
                    for r, amount in zip(taken, owed, strict=True)
                ],
            )
            await write_partner_payouts(db, batch[0], partners)
            made = await _batch(db, batch[0])
            assert made is not None
            await enqueue(db, "payout_batch.created", events.payout_batch_event(made), at)
            return made, refused

    async def payout_batches(
        self, *, before: int | None = None, limit: int = 50
    ) -> list[PayoutBatch]:
        """Newest first, without their items."""
        clause, params = ("WHERE id < ? ", [before]) if before is not None else ("", [])
        rows = await self._all(
            f"SELECT id FROM payout_batches {clause}ORDER BY id DESC LIMIT ?", [*params, limit]
        )
        found: list[PayoutBatch] = []
        async with self._db.reading() as db:
            for row in rows:
                batch = await _batch(db, row["id"])
                if batch is not None:
                    found.append(batch)
        return found

    async def payout_batch(self, batch_id: int) -> PayoutBatch | None:
        async with self._db.reading() as db:
            return await _batch(db, batch_id)

    async def mark_payout_batch_paid(
        self, batch_id: int, actor: str, at: datetime
    ) -> PayoutBatch | None:
        """The bank paid the batch: its rewards become fulfilled, once. None unless it was open."""
        async with self._transaction() as db:
            moved = await db.fetchrow(
                "UPDATE payout_batches SET status = 'paid', paid_by = ?, paid_at = ? "
                "WHERE id = ? AND status = 'open' RETURNING id",
                (actor, at, batch_id),
            )
            if moved is None:
                return None
            ids = [
                row[0]
                for row in await db.fetch(
                    "SELECT reward_id FROM payout_items WHERE batch_id = ? ORDER BY reward_id",
                    (batch_id,),
                )
            ]
            await fulfil(
                db,
                ids,
                how="payout",
                ref=f"payout_batch:{batch_id}",
                reason=f"paid in payout batch {batch_id}",
                actor=actor,
                at=at,
            )
            await pay_partner_commissions(db, batch_id, at)
            paid = await _batch(db, batch_id)
            assert paid is not None
            await enqueue(db, "payout_batch.paid", events.payout_batch_event(paid), at)
            return paid
