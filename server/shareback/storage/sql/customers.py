"""Customers in SQL: upserts by e-mail key or external id, their orders from every webhook (inside
the order's own transaction), tags, tickets, and the figures rolled up from them (crm/rollup.py)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime

from shareback import codes, emails
from shareback.crm import profile, rollup
from shareback.crm.records import (
    Customer,
    CustomerFacts,
    CustomerOrder,
    ImportedTotals,
    Ticket,
)
from shareback.storage.database import Connection, Row, db_time, from_db_time
from shareback.storage.records import PaidOrder

log = logging.getLogger("shareback.storage")

COLUMNS = (
    "id, email, email_key, first_name, last_name, country, first_order_at, last_order_at, "
    "order_count, revenue_minor, currency, marketing_consent, consent_source, consent_at, "
    "created_at, updated_at"
)
# The import's snapshot (Shopify's Total Orders and Total Spent) is written with the record, as
# its figures too; a customer who also has orders here is rolled up from both afterwards.
UPSERT = (
    "INSERT INTO customers (email_key, email, first_name, last_name, search_name, country, "
    "marketing_consent, consent_source, consent_at, created_at, updated_at, "
    "imported_order_count, imported_revenue_minor, imported_currency, imported_at, "
    "order_count, revenue_minor, currency) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (email_key) DO UPDATE SET "
    "email = excluded.email, "
    "first_name = COALESCE(excluded.first_name, customers.first_name), "
    "last_name = COALESCE(excluded.last_name, customers.last_name), "
    "search_name = COALESCE(excluded.search_name, customers.search_name), "
    "country = COALESCE(excluded.country, customers.country), "
    "marketing_consent = COALESCE(excluded.marketing_consent, customers.marketing_consent), "
    # The consent's source and time say when it was given or withdrawn: a source that repeats
    # it changes neither.
    "consent_source = CASE WHEN excluded.marketing_consent IS NULL "
    "OR excluded.marketing_consent = customers.marketing_consent "
    "THEN customers.consent_source ELSE excluded.consent_source END, "
    "consent_at = CASE WHEN excluded.marketing_consent IS NULL "
    "OR excluded.marketing_consent = customers.marketing_consent "
    "THEN customers.consent_at ELSE excluded.consent_at END, "
    "imported_order_count = COALESCE(excluded.imported_order_count, "
    "customers.imported_order_count), "
    "imported_revenue_minor = COALESCE(excluded.imported_revenue_minor, "
    "customers.imported_revenue_minor), "
    "imported_currency = COALESCE(excluded.imported_currency, customers.imported_currency), "
    "imported_at = COALESCE(excluded.imported_at, customers.imported_at), "
    "order_count = CASE WHEN excluded.imported_at IS NULL THEN customers.order_count "
    "ELSE excluded.order_count END, "
    "revenue_minor = CASE WHEN excluded.imported_at IS NULL THEN customers.revenue_minor "
    "ELSE excluded.revenue_minor END, "
    "currency = CASE WHEN excluded.imported_at IS NULL THEN customers.currency "
    "ELSE excluded.currency END, "
    "updated_at = excluded.updated_at RETURNING id"
)
ORDER_COLUMNS = (
    "source, order_id, placed_at, total_minor, refunded_minor, currency, other_total_minor, "
    "other_currency"
)


class CustomerRejected(ValueError):
    """The facts cannot be kept: `code` names why (crm/rejections.py words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def customer_from_row(
    row: Row, tags: Sequence[str] = (), external_ids: Sequence[tuple[str, str]] = ()
) -> Customer:
    consent = row["marketing_consent"]
    return Customer(
        id=int(row["id"]),
        email=row["email"],
        email_key=row["email_key"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        country=row["country"],
        tags=tuple(tags),
        first_order_at=from_db_time(row["first_order_at"]),
        last_order_at=from_db_time(row["last_order_at"]),
        order_count=int(row["order_count"]),
        revenue_minor=int(row["revenue_minor"]),
        currency=row["currency"],
        marketing_consent=None if consent is None else bool(consent),
        consent_source=row["consent_source"],
        consent_at=from_db_time(row["consent_at"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        external_ids=tuple(external_ids),
    )


def order_from_row(row: Row) -> CustomerOrder:
    return CustomerOrder(
        source=row["source"],
        order_id=row["order_id"],
        placed_at=db_time(row["placed_at"]),
        total_minor=int(row["total_minor"]),
        refunded_minor=int(row["refunded_minor"]),
        currency=row["currency"],
        other_total_minor=row["other_total_minor"],
        other_currency=row["other_currency"],
    )


def ticket_from_row(row: Row) -> Ticket:
    return Ticket(
        system=row["system"],
        external_id=row["external_id"],
        opened_at=db_time(row["opened_at"]),
        closed_at=from_db_time(row["closed_at"]),
        topic=row["topic"],
        satisfaction=row["satisfaction"],
        nps=row["nps"],
    )


def clean_tag(tag: str) -> str | None:
    folded = " ".join(tag.split()).lower()
    return folded[:100] or None


async def _by_external_id(db: Connection, pairs: Sequence[tuple[str, str]]) -> int | None:
    for system, external_id in pairs:
        row = await db.fetchrow(
            "SELECT customer_id FROM customer_external_ids WHERE system = ? AND external_id = ?",
            (system, external_id),
        )
        if row is not None:
            return int(row[0])
    return None


async def shop_currency(db: Connection) -> str | None:
    """The default campaign's currency: the shop's money, which revenue is kept in."""
    row = await db.fetchrow("SELECT currency FROM campaigns ORDER BY id LIMIT 1")
    return None if row is None else str(row[0])


async def roll_up_customer(db: Connection, customer_id: int, at: datetime) -> None:
    """The customer's figures from their orders and their import snapshot."""
    row = await db.fetchrow(
        "SELECT imported_order_count, imported_revenue_minor, imported_currency, imported_at "
        "FROM customers WHERE id = ?",
        (customer_id,),
    )
    if row is None:
        return
    imported = None
    if row["imported_at"] is not None and row["imported_currency"] is not None:
        imported = ImportedTotals(
            int(row["imported_order_count"] or 0),
            int(row["imported_revenue_minor"] or 0),
            row["imported_currency"],
            db_time(row["imported_at"]),
        )
    orders = [
        order_from_row(r)
        for r in await db.fetch(
            f"SELECT {ORDER_COLUMNS} FROM customer_orders WHERE customer_id = ?", (customer_id,)
        )
    ]
    figures = rollup.roll_up(orders, imported, await shop_currency(db) if orders else None)
    await db.execute(
        "UPDATE customers SET order_count = ?, revenue_minor = ?, currency = ?, "
        "first_order_at = ?, last_order_at = ?, updated_at = ? WHERE id = ?",
        (
            figures.order_count,
            figures.revenue_minor,
            figures.currency,
            figures.first_order_at,
            figures.last_order_at,
            at,
            customer_id,
        ),
    )


async def link_advocates(db: Connection, customer_id: int, email_key: str) -> None:
    await db.execute(
        "UPDATE advocates SET customer_id = ? WHERE email_key = ? "
        "AND (customer_id IS NULL OR customer_id <> ?)",
        (customer_id, email_key, customer_id),
    )


def upsert_params(
    email: str, facts: CustomerFacts, name_key: str | None, at: datetime
) -> tuple[object, ...]:
    consent = facts.marketing_consent
    consent_at = facts.consent_at or at
    snapshot = facts.imported
    return (
        emails.email_key(email),
        email,
        facts.first_name,
        facts.last_name,
        name_key,
        facts.country,
        consent,
        facts.consent_source if consent is not None else None,
        consent_at if consent is not None else None,
        at,
        at,
        snapshot.order_count if snapshot else None,
        snapshot.revenue_minor if snapshot else None,
        snapshot.currency if snapshot else None,
        snapshot.at if snapshot else None,
        snapshot.order_count if snapshot else 0,
        snapshot.revenue_minor if snapshot else 0,
        snapshot.currency if snapshot else None,
    )


def name_key_of(facts: CustomerFacts) -> str | None:
    return codes.name_key(" ".join(p for p in (facts.first_name, facts.last_name) if p))


async def upsert_customer_in(db: Connection, facts: CustomerFacts, at: datetime) -> int:
    """The customer these facts describe, created or updated, inside the caller's transaction:
    found by an external id first (the address may have changed in the CRM), else by e-mail key."""
    email = emails.fold(facts.email) if facts.email else None
    if email is not None and not emails.is_valid_email(email):
        raise CustomerRejected("invalid_email")
    found = await _by_external_id(db, facts.external_ids) if facts.external_ids else None
    name_key = codes.name_key(" ".join(p for p in (facts.first_name, facts.last_name) if p))
    consent_at = facts.consent_at or at
    snapshot = facts.imported
    if found is not None:
        customer_id = found
        await _update_found(db, found, email, facts, name_key, consent_at, at)
    else:
        if email is None:
            raise CustomerRejected("missing_email")
        row = await db.fetchrow(UPSERT, upsert_params(email, facts, name_key, at))
        assert row is not None
        customer_id = int(row[0])
    tags = sorted({t for t in (clean_tag(tag) for tag in facts.tags) if t})
    if tags:
        await db.executemany(
            "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(customer_id, tag) for tag in tags],
        )
    if facts.external_ids:
        await db.executemany(
            "INSERT INTO customer_external_ids (system, external_id, customer_id) "
            "VALUES (?, ?, ?) ON CONFLICT (system, external_id) DO NOTHING",
            [(system, external_id, customer_id) for system, external_id in facts.external_ids],
        )
    if snapshot is not None and (
        found is not None
        or await db.fetchrow(
            "SELECT 1 FROM customer_orders WHERE customer_id = ? LIMIT 1", (customer_id,)
        )
    ):
        await roll_up_customer(db, customer_id, at)
    if email is not None:
        await link_advocates(db, customer_id, emails.email_key(email))
    return customer_id


async def _update_found(
    db: Connection,
    found: int,
    email: str | None,
    facts: CustomerFacts,
    name_key: str | None,
    consent_at: datetime,
    at: datetime,
) -> None:
    """The customer an external id named: the fields these facts give, the address too (moved
    in the CRM), unless another customer has that address."""
    given: dict[str, object] = {
        "first_name": facts.first_name,
        "last_name": facts.last_name,
        "search_name": name_key,
        "country": facts.country,
    }
    if email is not None:
        key = emails.email_key(email)
        other = await db.fetchrow(
            "SELECT id FROM customers WHERE email_key = ? AND id <> ?", (key, found)
        )
        if other is not None:
            raise CustomerRejected("external_id_conflict")
        given |= {"email": email, "email_key": key}
    consent_sets = ""
    consent_params: tuple[object, ...] = ()
    if facts.marketing_consent is not None:
        # As the UPSERT: a repeated consent keeps its source and time.
        consent_sets = (
            "consent_source = CASE WHEN marketing_consent = ? THEN consent_source ELSE ? END, "
            "consent_at = CASE WHEN marketing_consent = ? THEN consent_at ELSE ? END, "
            "marketing_consent = ?, "
        )
        consent_params = (
            facts.marketing_consent,
            facts.consent_source,
            facts.marketing_consent,
            consent_at,
            facts.marketing_consent,
        )
    if facts.imported is not None:
        given |= {
            "imported_order_count": facts.imported.order_count,
            "imported_revenue_minor": facts.imported.revenue_minor,
            "imported_currency": facts.imported.currency,
            "imported_at": facts.imported.at,
        }
    changes = {column: value for column, value in given.items() if value is not None}
    sets = "".join(f"{column} = ?, " for column in changes)
    await db.execute(
        f"UPDATE customers SET {sets}{consent_sets}updated_at = ? WHERE id = ?",
        (*changes.values(), *consent_params, at, found),
    )


async def record_customer_order_in(
    db: Connection, facts: CustomerFacts, order: CustomerOrder, at: datetime
) -> int:
    """An order (from a webhook or an import) and its customer, once per (source, order_id)."""
    customer_id = await upsert_customer_in(db, facts, at)
    await db.execute(
        f"INSERT INTO customer_orders (customer_id, {ORDER_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, order_id) DO UPDATE SET "
        "refunded_minor = excluded.refunded_minor",
        (
            customer_id,
            order.source,
            order.order_id,
            order.placed_at,
            order.total_minor,
            order.refunded_minor,
            order.currency,
            order.other_total_minor,
            order.other_currency,
        ),
    )
    await roll_up_customer(db, customer_id, at)
    return customer_id


async def record_order_customer(
    db: Connection, order: PaidOrder, order_pk: int, at: datetime
) -> None:
    """Every paid order with an address, referred or not, in the order's own transaction: its
    customer upserted and the order added to them (once: customer_orders is unique per order)."""
    if order.email is None:
        return
    facts = order.profile or profile.order_facts(
        order.email, order.name, source=order.source, customer_id=order.customer_id
    )
    facts = dataclasses.replace(facts, email=facts.email or order.email)
    row = await db.fetchrow(
        "SELECT total_minor, currency, other_total_minor, other_currency, refunded_minor "
        "FROM orders WHERE id = ?",
        (order_pk,),
    )
    assert row is not None
    kept = CustomerOrder(
        source=order.source,
        order_id=order.order_id,
        placed_at=order.paid_at,
        total_minor=int(row["total_minor"]),
        refunded_minor=int(row["refunded_minor"] or 0),
        currency=row["currency"],
        other_total_minor=row["other_total_minor"],
        other_currency=row["other_currency"],
    )
    try:
        await record_customer_order_in(db, facts, kept, at)
    except CustomerRejected as exc:
        # The platform's customer id names another address's record: the order still belongs
        # to the address it came with, and the order is never refused for it.
        log.warning("order %s/%s: customer id not linked (%s)", order.source, order.order_id, exc)
        await record_customer_order_in(db, dataclasses.replace(facts, external_ids=()), kept, at)


async def refresh_customer_order(db: Connection, source: str, order_id: str, at: datetime) -> None:
    """After a refund or chargeback of the order: its customer's figures, net of it."""
    row = await db.fetchrow(
        "SELECT c.customer_id, o.refunded_minor FROM customer_orders c JOIN orders o "
        "ON o.source = c.source AND o.order_id = c.order_id "
        "WHERE c.source = ? AND c.order_id = ?",
        (source, order_id),
    )
    if row is None:
        return
    await db.execute(
        "UPDATE customer_orders SET refunded_minor = ? WHERE source = ? AND order_id = ?",
        (int(row[1] or 0), source, order_id),
    )
    await roll_up_customer(db, int(row[0]), at)
