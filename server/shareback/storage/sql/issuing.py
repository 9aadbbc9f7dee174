"""Rewards Shareback issues itself the moment they are approved: store credit (an entry in the
person's ledger) and a referrer's coupon (a single-use code from the campaign's pool, else
generated), each once, fulfilled and announced in the approval's transaction. And the ledger's
other side: the checkout looks a balance up and spends it, once per idempotency key."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shareback import credit
from shareback.credit import Redemption
from shareback.storage.database import Connection, db_int, db_time
from shareback.storage.records import CreditBalance, CreditEntry, PoolUpload
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.fulfilment import fulfil

CODES_LOCK = "codes"  # the same lock as every other code handed out (storage/sql/referrals.py)


def credit_lock(email_key: str, currency: str) -> str:
    return f"credit:{currency}:{email_key}"


async def _add_credit(db: Connection, reward_id: int, actor: str, at: datetime) -> str | None:
    # The person's inbox key, as the checkout's look-up makes it (emails.email_key).
    row = await db.fetchrow(
        "SELECT COALESCE(a.email_key, r.friend_email_key) AS email_key, w.currency, "
        "w.amount_minor FROM rewards w JOIN referrals r ON r.id = w.referral_id "
        "LEFT JOIN advocates a ON a.id = w.advocate_id WHERE w.id = ?",
        (reward_id,),
    )
    if row is None or not row["amount_minor"]:
        return None
    entry = await db.fetchrow(
        "INSERT INTO credit_entries (email_key, currency, amount_minor, kind, reward_id, actor, "
        "created_at) VALUES (?, ?, ?, 'reward', ?, ?, ?) ON CONFLICT (reward_id) WHERE kind = 'reward' DO NOTHING "
        "RETURNING id",
        (row["email_key"], row["currency"], row["amount_minor"], reward_id, actor, at),
    )
    return None if entry is None else f"credit_entry:{entry[0]}"


async def _code_taken(db: Connection, key: str) -> bool:
    found = await db.fetchrow(
        "SELECT 1 FROM reward_codes WHERE code_key = ? UNION ALL "
        "SELECT 1 FROM friend_codes WHERE code_key = ? UNION ALL "
        "SELECT 1 FROM advocates WHERE coupon_code = ? LIMIT 1",
        (key, key, key),
    )
    return found is not None


async def _issue_coupon(db: Connection, reward_id: int, at: datetime) -> str | None:
    """The campaign's first free pool code, else a generated one; None should none be free."""
    await db.lock(CODES_LOCK)
    campaign = await db.fetchrow(
        "SELECT r.campaign_id FROM rewards w JOIN referrals r ON r.id = w.referral_id "
        "WHERE w.id = ?",
        (reward_id,),
    )
    assert campaign is not None
    drawn = await db.fetchrow(
        "UPDATE reward_codes SET reward_id = ?, issued_at = ? WHERE reward_id IS NULL AND id = "
        "(SELECT c.id FROM reward_codes c WHERE c.campaign_id = ? AND c.reward_id IS NULL "
        "ORDER BY c.id LIMIT 1) RETURNING code",
        (reward_id, at, campaign[0]),
    )
    if drawn is not None:
        return str(drawn[0])
    for _ in range(12):
        code = credit.generated_coupon()
        if await _code_taken(db, code):
            continue
        await db.execute(
            "INSERT INTO reward_codes (campaign_id, code, code_key, source, reward_id, "
            "created_at, issued_at) VALUES (?, ?, ?, 'generated', ?, ?, ?)",
            (campaign[0], code, code, reward_id, at, at),
        )
        return code
    return None


async def fulfil_approved(
    db: Connection, reward_ids: Iterable[int], actor: str, at: datetime
) -> None:
    """Approved credit and coupon rewards, issued and fulfilled at once (fulfilment.py); the rest
    wait for their payout batch or the shop."""
    for reward_id in reward_ids:
        row = await db.fetchrow(
            "SELECT fulfilment FROM rewards WHERE id = ? AND status = 'approved'", (reward_id,)
        )
        if row is None or row[0] not in ("credit", "coupon"):
            continue
        if row[0] == "credit":
            ref, reason = await _add_credit(db, reward_id, actor, at), "added to the credit balance"
        else:
            code = await _issue_coupon(db, reward_id, at)
            ref, reason = (None if code is None else f"coupon:{code}"), "coupon code issued"
        if ref is not None:
            await fulfil(db, [reward_id], how=row[0], ref=ref, reason=reason, actor=actor, at=at)


class IssuingQueries(SqlBase):
    async def credit_balance(self, email_key: str, currency: str) -> CreditBalance:
        rows = await self._all(
            "SELECT id, amount_minor, kind, reward_id, idempotency_key, order_ref, created_at "
            "FROM credit_entries WHERE email_key = ? AND currency = ? ORDER BY id",
            (email_key, currency),
        )
        entries = tuple(
            CreditEntry(
                id=row["id"],
                amount_minor=db_int(row["amount_minor"]),
                kind=row["kind"],
                reward_id=row["reward_id"],
                idempotency_key=row["idempotency_key"],
                order_ref=row["order_ref"],
                created_at=db_time(row["created_at"]),
            )
            for row in rows
        )
        balance = sum(entry.amount_minor for entry in entries)
        return CreditBalance(email_key, currency, balance, entries)

    async def redeem_credit(
        self,
        email_key: str,
        currency: str,
        amount_minor: int,
        idempotency_key: str,
        order_ref: str | None,
        actor: str,
        at: datetime,
        *,
        up_to_balance: bool = False,
    ) -> Redemption:
        async with self._transaction() as db:
            return await redeem(
                db,
                email_key,
                currency,
                amount_minor,
                idempotency_key,
                order_ref,
                actor,
                at,
                up_to_balance=up_to_balance,
            )

    async def add_reward_codes(
        self, campaign_id: int, codes: list[str], at: datetime
    ) -> PoolUpload:
        added = duplicates = conflicts = 0
        async with self._transaction() as db:
            await db.lock(CODES_LOCK)
            for code in dict.fromkeys(codes):
                if await _code_taken(db, code):
                    mine = await db.fetchrow(
                        "SELECT 1 FROM reward_codes WHERE code_key = ?", (code,)
                    )
                    if mine is None:
                        conflicts += 1
                    else:
                        duplicates += 1
                    continue
                await db.execute(
                    "INSERT INTO reward_codes (campaign_id, code, code_key, source, created_at) "
                    "VALUES (?, ?, ?, 'pool', ?)",
                    (campaign_id, code, code, at),
                )
                added += 1
            left = await db.fetchrow(
                "SELECT COUNT(*) FROM reward_codes WHERE campaign_id = ? AND reward_id IS NULL",
                (campaign_id,),
            )
        duplicates += len(codes) - len(dict.fromkeys(codes))
        return PoolUpload(added, duplicates, conflicts, db_int(left[0] if left else 0))

    async def reward_coupons(self, advocate_id: int) -> list[str]:
        """The coupon codes the advocate's rewards were fulfilled with, oldest first."""
        rows = await self._all(
            "SELECT c.code FROM reward_codes c JOIN rewards w ON w.id = c.reward_id "
            "WHERE w.advocate_id = ? AND w.status = 'fulfilled' ORDER BY c.issued_at, c.id",
            (advocate_id,),
        )
        return [str(row[0]) for row in rows]


async def redeem(
    db: Connection,
    email_key: str,
    currency: str,
    amount_minor: int,
    idempotency_key: str,
    order_ref: str | None,
    actor: str,
    at: datetime,
    *,
    up_to_balance: bool = False,
) -> Redemption:
    """Inside the caller's transaction: the balance read and the spend written under the
    person's lock, so two checkouts at once never spend the same credit."""
    await db.lock(credit_lock(email_key, currency))
    done = await db.fetchrow(
        "SELECT id, amount_minor FROM credit_entries WHERE idempotency_key = ?", (idempotency_key,)
    )
    balance_row = await db.fetchrow(
        "SELECT COALESCE(SUM(amount_minor), 0) FROM credit_entries "
        "WHERE email_key = ? AND currency = ?",
        (email_key, currency),
    )
    balance = db_int(balance_row[0] if balance_row else 0)
    if done is not None:
        return Redemption("replayed", -db_int(done["amount_minor"]), balance, done["id"])
    if up_to_balance:  # the checkout already took it: what the balance holds is kept
        amount_minor = credit.checkout_spend(balance, amount_minor)
        if amount_minor == 0:
            return Redemption("insufficient", 0, balance)
    if not credit.may_redeem(balance, amount_minor):
        return Redemption("insufficient", 0, balance)
    entry = await db.fetchrow(
        "INSERT INTO credit_entries (email_key, currency, amount_minor, kind, idempotency_key, "
        "order_ref, actor, created_at) VALUES (?, ?, ?, 'redemption', ?, ?, ?, ?) RETURNING id",
        (email_key, currency, -amount_minor, idempotency_key, order_ref, actor, at),
    )
    assert entry is not None
    return Redemption("redeemed", amount_minor, balance - amount_minor, entry[0])
