"""Partners' commissions in the payout batches (storage/sql/payouts.py makes the batch): one
transfer per partner of their approved commissions in no batch yet, less the clawbacks not yet
settled. A commission and a clawback are each taken by one payout, ever (payout_id is set once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shareback.partners import commission
from shareback.payouts import PayoutAccount
from shareback.storage.database import Connection, Row, db_int
from shareback.storage.partner_records import PartnerPayoutItem, PayablePartner
from shareback.storage.records import BatchRefusal
from shareback.storage.sql.partner_rows import announce_commissions

PAYABLE = (
    "SELECT p.id AS partner_id, p.code, p.email, p.name, g.currency, "
    "(SELECT COALESCE(SUM(c.amount_minor), 0) FROM partner_commissions c WHERE c.partner_id = p.id "
    "AND c.status = 'approved' AND c.payout_id IS NULL) AS approved, "
    "(SELECT COALESCE(SUM(k.amount_minor), 0) FROM partner_clawbacks k JOIN partner_commissions c "
    "ON c.id = k.commission_id WHERE c.partner_id = p.id AND k.payout_id IS NULL) AS clawed, "
    "a.holder_name, a.iban, a.bic FROM partners p "
    "JOIN partner_programmes g ON g.id = p.programme_id "
    "LEFT JOIN partner_accounts a ON a.partner_id = p.id"
)


def _payable(row: Row) -> PayablePartner:
    account = None
    if row["iban"] is not None:
        account = PayoutAccount(row["holder_name"], row["iban"], row["bic"])
    return PayablePartner(
        partner_id=row["partner_id"],
        code=row["code"],
        email=row["email"],
        name=row["name"],
        currency=row["currency"],
        approved_minor=db_int(row["approved"]),
        clawed_back_minor=db_int(row["clawed"]),
        account=account,
    )


async def payable_partners(db: Connection) -> list[PayablePartner]:
    rows = await db.fetch(f"{PAYABLE} ORDER BY p.id")
    return [
        p
        for p in map(_payable, rows)
        if p.approved_minor > 0 and commission.payout_minor(p.approved_minor, p.clawed_back_minor)
    ]


@dataclass(frozen=True)
class PartnerTake:
    """What a new batch takes of one partner: these commissions and clawbacks, this amount."""

    partner: PayablePartner
    commission_ids: tuple[int, ...]
    clawback_ids: tuple[int, ...]
    amount_minor: int


async def take_partners(
    db: Connection, partner_ids: Sequence[int], currency: str | None
) -> tuple[list[PartnerTake], list[BatchRefusal], str | None]:
    """Under the batch lock: each partner's approved commissions in no batch and unsettled
    clawbacks, read by id (what is written later is exactly what was summed here)."""
    taken: list[PartnerTake] = []
    refused: list[BatchRefusal] = []
    for partner_id in dict.fromkeys(partner_ids):
        row = await db.fetchrow(f"{PAYABLE} WHERE p.id = ?", (partner_id,))
        if row is None:
            refused.append(BatchRefusal(None, "unknown_partner", partner_id))
            continue
        partner = _payable(row)
        owned = await db.fetch(
            "SELECT id, amount_minor FROM partner_commissions WHERE partner_id = ? "
            "AND status = 'approved' AND payout_id IS NULL ORDER BY id",
            (partner_id,),
        )
        clawed = await db.fetch(
            "SELECT k.id, k.amount_minor FROM partner_clawbacks k JOIN partner_commissions c "
            "ON c.id = k.commission_id WHERE c.partner_id = ? AND k.payout_id IS NULL "
            "ORDER BY k.id",
            (partner_id,),
        )
        amount = commission.payout_minor(
            sum(db_int(r[1]) for r in owned), sum(db_int(r[1]) for r in clawed)
        )
        reason = None
        if not owned or amount <= 0:
            reason = "nothing_owed"
        elif partner.account is None:
            reason = "no_payout_account"
        elif currency is not None and partner.currency != currency:
            reason = "other_currency"
        if reason is not None:
            refused.append(BatchRefusal(None, reason, partner_id))
            continue
        currency = partner.currency
        taken.append(
            PartnerTake(
                partner,
                tuple(r[0] for r in owned),
                tuple(r[0] for r in clawed),
                amount,
            )
        )
    return taken, refused, currency


async def write_partner_payouts(db: Connection, batch_id: int, taken: list[PartnerTake]) -> None:
    for take in taken:
        account = take.partner.account
        assert account is not None
        payout = await db.fetchrow(
            "INSERT INTO partner_payouts (batch_id, partner_id, amount_minor, holder_name, iban, "
            "bic) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                batch_id,
                take.partner.partner_id,
                take.amount_minor,
                account.holder_name,
                account.iban,
                account.bic,
            ),
        )
        assert payout is not None
        for table, ids in (
            ("partner_commissions", take.commission_ids),
            ("partner_clawbacks", take.clawback_ids),
        ):
            marks = ", ".join("?" for _ in ids)
            if ids:
                moved = await db.execute(
                    f"UPDATE {table} SET payout_id = ? WHERE id IN ({marks}) AND payout_id IS NULL",
                    (payout[0], *ids),
                )
                assert moved == len(ids), "taken under the batch lock: nobody else can take them"


async def partner_items(db: Connection, batch_id: int) -> tuple[PartnerPayoutItem, ...]:
    rows = await db.fetch(
        "SELECT o.id, o.partner_id, p.code, p.email, o.amount_minor, o.holder_name, o.iban, "
        "o.bic FROM partner_payouts o JOIN partners p ON p.id = o.partner_id "
        "WHERE o.batch_id = ? ORDER BY o.id",
        (batch_id,),
    )
    return tuple(
        PartnerPayoutItem(
            payout_id=r["id"],
            partner_id=r["partner_id"],
            partner_code=r["code"],
            email=r["email"],
            amount_minor=db_int(r["amount_minor"]),
            account=PayoutAccount(r["holder_name"], r["iban"], r["bic"]),
        )
        for r in rows
    )


async def pay_partner_commissions(db: Connection, batch_id: int, at: datetime) -> None:
    """The batch was paid: its commissions are paid, each once, and announced."""
    paid = sorted(
        row[0]
        for row in await db.fetch(
            "UPDATE partner_commissions SET status = 'paid', paid_at = ? WHERE status = 'approved' "
            "AND payout_id IN (SELECT id FROM partner_payouts WHERE batch_id = ?) RETURNING id",
            (at, batch_id),
        )
    )
    await announce_commissions(db, "commission.paid", paid, at)
