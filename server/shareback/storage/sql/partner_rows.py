"""Partner rows read inside a transaction, shared by the partner query modules: a partner, a
commission (with what clawbacks took), and the events that announce their changes."""

from __future__ import annotations

from datetime import datetime

from shareback.outgoing import events
from shareback.partners.terms import PartnerTerms, ProgrammeSettings
from shareback.storage.database import Connection, Row, db_int, db_time, from_db_time
from shareback.storage.partner_records import CommissionRow, Partner, Programme
from shareback.storage.sql.outbox import enqueue

PARTNER = (
    "SELECT p.*, g.slug AS programme_slug FROM partners p "
    "JOIN partner_programmes g ON g.id = p.programme_id"
)
COMMISSION = (
    "SELECT c.*, o.order_id AS shop_order_id, (SELECT COALESCE(SUM(k.amount_minor), 0) "
    "FROM partner_clawbacks k WHERE k.commission_id = c.id) AS clawed "
    "FROM partner_commissions c JOIN orders o ON o.id = c.order_pk"
)


def programme_from_row(row: Row) -> Programme:
    return Programme(
        id=row["id"],
        slug=row["slug"],
        campaign_id=row["campaign_id"],
        settings=ProgrammeSettings(
            name=row["name"],
            currency=row["currency"],
            rate_bp=row["rate_bp"],
            basis=row["basis"],
            window_days=row["window_days"],
            attribution_days=row["attribution_days"],
            hold_days=row["hold_days"],
        ),
        created_at=db_time(row["created_at"]),
    )


def partner_from_row(row: Row) -> Partner:
    return Partner(
        id=row["id"],
        programme_id=row["programme_id"],
        programme_slug=row["programme_slug"],
        email=row["email"],
        email_key=row["email_key"],
        name=row["name"],
        website=row["website"],
        pitch=row["pitch"],
        status=row["status"],
        code=row["code"],
        coupon_code=row["coupon_code"],
        terms=PartnerTerms(row["rate_bp"], row["basis"], row["window_days"]),
        created_by=row["created_by"],
        created_at=db_time(row["created_at"]),
        decided_by=row["decided_by"],
        decided_at=from_db_time(row["decided_at"]),
    )


def commission_from_row(row: Row) -> CommissionRow:
    return CommissionRow(
        id=row["id"],
        partner_id=row["partner_id"],
        order_id=row["shop_order_id"],
        placement=row["placement"],
        via=row["via"],
        revenue_minor=db_int(row["revenue_minor"]),
        kept_minor=db_int(row["kept_minor"]),
        currency=row["currency"],
        rate_bp=row["rate_bp"],
        amount_minor=db_int(row["amount_minor"]),
        clawed_back_minor=db_int(row["clawed"]),
        status=row["status"],
        reason=row["reason"],
        approve_after=db_time(row["approve_after"]),
        approved_at=from_db_time(row["approved_at"]),
        paid_at=from_db_time(row["paid_at"]),
        created_at=db_time(row["created_at"]),
    )


async def fetch_partner(db: Connection, partner_id: int) -> Partner | None:
    row = await db.fetchrow(f"{PARTNER} WHERE p.id = ?", (partner_id,))
    return None if row is None else partner_from_row(row)


async def fetch_commission(db: Connection, commission_id: int) -> CommissionRow | None:
    row = await db.fetchrow(f"{COMMISSION} WHERE c.id = ?", (commission_id,))
    return None if row is None else commission_from_row(row)


async def announce_commissions(
    db: Connection,
    event_type: str,
    commission_ids: list[int],
    at: datetime,
    clawback: int | None = None,
) -> None:
    """The event for each commission, in the transaction that changed it."""
    for commission_id in commission_ids:
        commission = await fetch_commission(db, commission_id)
        assert commission is not None
        partner = await fetch_partner(db, commission.partner_id)
        assert partner is not None
        currency = await db.fetchrow(
            "SELECT currency FROM partner_programmes WHERE id = ?", (partner.programme_id,)
        )
        assert currency is not None
        await enqueue(
            db,
            event_type,
            events.commission_event(partner, commission, currency[0], clawback),
            at,
        )
