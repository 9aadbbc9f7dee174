"""Partner commissions in SQL, inside the order's and the refund's own transactions: the store
gathers the facts, partners/commission.py decides, this module writes and announces."""

from __future__ import annotations

from datetime import datetime

from shareback.partners import commission
from shareback.partners.terms import terms_for
from shareback.storage.database import Connection, db_int, from_db_time
from shareback.storage.partner_records import PartnerTouch
from shareback.storage.records import Outcome, PaidOrder
from shareback.storage.sql.partner_rows import (
    COMMISSION,
    announce_commissions,
    commission_from_row,
    fetch_partner,
    programme_from_row,
)

CREDITED = "('pending', 'approved', 'paid')"


async def _window_touch(db: Connection, customer_key: str) -> PartnerTouch | None:
    """A repeat order without a link or code: the partner who brought this customer most lately,
    if their terms pay on every order (the window itself is judged by commission.on_order),
    under the placement that brought them."""
    row = await db.fetchrow(
        "SELECT c.partner_id, c.placement FROM partner_commissions c "
        f"WHERE c.customer_key = ? AND c.status IN {CREDITED} AND c.via <> 'window' "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT 1",
        (customer_key,),
    )
    return None if row is None else PartnerTouch(row["partner_id"], "window", row["placement"])


async def credit_partner(
    db: Connection, order_pk: int, order: PaidOrder, touch: PartnerTouch | None, at: datetime
) -> Outcome | None:
    """The commission of an order credited to a partner (or kept refused, with why); None when
    no partner has a claim on it. Runs after the order and its early refunds are written."""
    if touch is None:
        if order.email_key is None:
            return None
        touch = await _window_touch(db, order.email_key)
        if touch is None:
            return None
    partner = await fetch_partner(db, touch.partner_id)
    if partner is None or partner.status != "approved":
        return None
    row = await db.fetchrow(
        "SELECT * FROM partner_programmes WHERE id = ?", (partner.programme_id,)
    )
    assert row is not None
    programme = programme_from_row(row)
    terms = terms_for(programme.settings, partner.terms)
    if touch.via == "window" and terms.basis != "every_order":
        return None
    kept = await db.fetchrow(
        "SELECT total_minor, currency, status, refunded_minor FROM orders WHERE id = ?",
        (order_pk,),
    )
    assert kept is not None
    prior = first = None
    if order.email_key is not None:
        prior = await db.fetchrow(
            "SELECT 1 FROM orders WHERE email_key = ? AND id <> ? LIMIT 1",
            (order.email_key, order_pk),
        )
        first = await db.fetchrow(
            "SELECT MIN(created_at) FROM partner_commissions WHERE partner_id = ? "
            f"AND customer_key = ? AND status IN {CREDITED}",
            (partner.id, order.email_key),
        )
    total = db_int(kept["total_minor"])
    left = 0 if kept["status"] == "refunded" else total - db_int(kept["refunded_minor"])
    decision = commission.on_order(
        terms,
        commission.OrderFacts(
            total_minor=total,
            kept_minor=left,
            currency=kept["currency"],
            paid_at=order.paid_at,
            customer_had_orders=prior is not None,
            first_credited_at=from_db_time(first[0]) if first is not None else None,
        ),
    )
    click_id = None
    if touch.click_token:
        click = await db.fetchrow(
            "SELECT id FROM partner_clicks WHERE token = ? AND partner_id = ?",
            (touch.click_token, partner.id),
        )
        click_id = click[0] if click else None
    inserted = await db.fetchrow(
        "INSERT INTO partner_commissions (partner_id, order_pk, customer_key, placement, via, "
        "click_id, revenue_minor, kept_minor, currency, rate_bp, amount_minor, status, reason, "
        "approve_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (order_pk) DO NOTHING RETURNING id",
        (
            partner.id,
            order_pk,
            order.email_key,
            touch.placement,
            touch.via,
            click_id,
            total,
            left,
            kept["currency"],
            terms.rate_bp,
            decision.amount_minor,
            decision.status,
            decision.reason,
            decision.approve_after,
            order.paid_at,
        ),
    )
    if inserted is None:
        return Outcome("duplicate", "order_already_recorded")
    await announce_commissions(db, "commission.created", [inserted[0]], at)
    if decision.status == "refused":
        return Outcome("ignored", decision.reason or "refused", commission_id=inserted[0])
    return Outcome("recorded", "partner_commission", commission_id=inserted[0])


async def adjust_commission(
    db: Connection, order_pk: int, kept_minor: int, reason: str, at: datetime
) -> int:
    """A refund of the order (reason "partial_refund", "refund" or "chargeback"): the pending
    commission shrinks or is revoked; an approved or paid one gets a clawback, once. 1 when a
    clawback was written."""
    row = await db.fetchrow(f"{COMMISSION} WHERE c.order_pk = ?", (order_pk,))
    if row is None:
        return 0
    current = commission_from_row(row)
    whole = reason != "partial_refund"
    change = commission.after_refund(
        current.status,
        current.amount_minor,
        current.clawed_back_minor,
        current.rate_bp,
        kept_minor,
        whole=whole,
    )
    await db.execute(
        "UPDATE partner_commissions SET kept_minor = ? WHERE id = ?",
        (0 if whole else kept_minor, current.id),
    )
    if change is None:
        return 0
    if current.status == "pending":
        await db.execute(
            "UPDATE partner_commissions SET amount_minor = ?, status = ?, reason = ? WHERE id = ?",
            (
                change.amount_minor,
                "revoked" if change.revoked else "pending",
                reason if change.revoked else None,
                current.id,
            ),
        )
        return 0
    await db.execute(
        "INSERT INTO partner_clawbacks (commission_id, amount_minor, reason, created_at) "
        "VALUES (?, ?, ?, ?)",
        (current.id, change.clawback_minor, reason, at),
    )
    await announce_commissions(
        db, "commission.clawed_back", [current.id], at, clawback=change.clawback_minor
    )
    return 1
