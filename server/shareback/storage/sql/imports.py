"""CSV imports in SQL: each batch of rows in one transaction (customers, orders, tickets upserted;
rejected rows kept with their line and reason), the import's progress row updated with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from shareback import emails
from shareback.crm.records import CustomerFacts, ImportReport, NewOrder, NewTicket
from shareback.crm.rows import CustomerRow, OrderRow, Rejection, Row, TicketRow
from shareback.storage.database import Connection, db_time, from_db_time
from shareback.storage.database import Row as DbRow
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.customers import (
    ORDER_COLUMNS,
    UPSERT,
    CustomerRejected,
    clean_tag,
    name_key_of,
    roll_up_customer,
    upsert_customer_in,
    upsert_params,
)

REPORT = (
    "SELECT id, kind, format, filename, status, rows_read, rows_imported, rows_rejected, "
    "started_at, updated_at, finished_at, error, actor FROM imports"
)


def report_from_row(row: DbRow) -> ImportReport:
    return ImportReport(
        id=int(row["id"]),
        kind=row["kind"],
        format=row["format"],
        filename=row["filename"],
        status=row["status"],
        rows_read=int(row["rows_read"]),
        rows_imported=int(row["rows_imported"]),
        rows_rejected=int(row["rows_rejected"]),
        started_at=db_time(row["started_at"]),
        updated_at=db_time(row["updated_at"]),
        finished_at=from_db_time(row["finished_at"]),
        error=row["error"],
        actor=row["actor"],
    )


async def _customer_for(
    db: Connection, email: str | None, ref: tuple[str, str] | None, at: datetime
) -> int:
    """The customer an order or ticket row names: by the external id, else by the address (a
    new customer if need be, who then carries the id)."""
    if ref is not None:
        row = await db.fetchrow(
            "SELECT customer_id FROM customer_external_ids WHERE system = ? AND external_id = ?",
            ref,
        )
        if row is not None:
            return int(row[0])
    if email is None:
        raise CustomerRejected("unknown_customer")
    facts = CustomerFacts(email=email, external_ids=(ref,) if ref else ())
    return await upsert_customer_in(db, facts, at)


async def _import_order(db: Connection, new: NewOrder, at: datetime) -> None:
    customer_id = await _customer_for(db, new.email, new.customer_ref, at)
    order = new.order
    kept = await db.fetchrow(
        "SELECT COALESCE(currency, imported_currency) FROM customers WHERE id = ?", (customer_id,)
    )
    if kept is not None and kept[0] is not None and kept[0] != order.currency:
        raise CustomerRejected("currency_mismatch")
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
            None,
            None,
        ),
    )
    await roll_up_customer(db, customer_id, at)


async def _import_ticket(db: Connection, new: NewTicket, at: datetime) -> None:
    customer_id = await _customer_for(db, new.email, new.customer_ref, at)
    t = new.ticket
    await db.execute(
        "INSERT INTO customer_tickets (customer_id, system, external_id, opened_at, closed_at, "
        "topic, satisfaction, nps) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (system, external_id) DO UPDATE SET customer_id = excluded.customer_id, "
        "opened_at = excluded.opened_at, closed_at = excluded.closed_at, "
        "topic = excluded.topic, satisfaction = excluded.satisfaction, nps = excluded.nps",
        (
            customer_id,
            t.system,
            t.external_id,
            t.opened_at,
            t.closed_at,
            t.topic,
            t.satisfaction,
            t.nps,
        ),
    )
    await db.execute("UPDATE customers SET updated_at = ? WHERE id = ?", (at, customer_id))


async def upsert_customers_in(
    db: Connection, batch: Sequence[tuple[int, CustomerFacts]], at: datetime
) -> list[tuple[int, str]]:
    """Many customers at once (an import's batch): the upserts sent together (executemany, one
    round trip on PostgreSQL), then a few statements for the batch. Rows whose external id is
    already known take upsert_customer_in's way one by one (the address may have moved, or
    belong to another customer). Returns the rejected (line, reason)."""
    rejected: list[tuple[int, str]] = []
    known: set[tuple[str, str]] = set()
    pairs = sorted({pair for _, facts in batch for pair in facts.external_ids})
    for system in sorted({s for s, _ in pairs}):
        ids = [i for s, i in pairs if s == system]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = await db.fetch(
                "SELECT external_id FROM customer_external_ids WHERE system = ? "
                f"AND external_id IN ({', '.join('?' * len(chunk))})",
                [system, *chunk],
            )
            known.update((system, r[0]) for r in rows)
    pending: list[tuple[str, CustomerFacts, tuple[object, ...]]] = []

    async def flush() -> None:
        if not pending:
            return
        await db.executemany(UPSERT.removesuffix(" RETURNING id"), [p for _, _, p in pending])
        keys = sorted({key for key, _, _ in pending})
        found: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for r in await db.fetch(
                "SELECT id, email_key FROM customers "
                f"WHERE email_key IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                found[r[1]] = int(r[0])
        tags = sorted(
            {
                (found[key], tag)
                for key, facts, _ in pending
                for tag in (clean_tag(t) for t in facts.tags)
                if tag
            }
        )
        if tags:
            await db.executemany(
                "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
                tags,
            )
        external = [(s, i, found[key]) for key, facts, _ in pending for s, i in facts.external_ids]
        if external:
            await db.executemany(
                "INSERT INTO customer_external_ids (system, external_id, customer_id) "
                "VALUES (?, ?, ?) ON CONFLICT (system, external_id) DO NOTHING",
                external,
            )
        rolled = sorted({found[key] for key, facts, _ in pending if facts.imported is not None})
        for start in range(0, len(rolled), 500):
            chunk_ids = rolled[start : start + 500]
            for r in await db.fetch(
                "SELECT DISTINCT customer_id FROM customer_orders "
                f"WHERE customer_id IN ({', '.join('?' * len(chunk_ids))})",
                chunk_ids,
            ):
                await roll_up_customer(db, int(r[0]), at)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            await db.execute(
                "UPDATE advocates SET customer_id = "
                "(SELECT c.id FROM customers c WHERE c.email_key = advocates.email_key) "
                f"WHERE customer_id IS NULL AND email_key IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
        pending.clear()

    for line, facts in batch:
        try:
            if any(pair in known for pair in facts.external_ids):
                # An id this batch or an earlier one gave: its customer decides, as ever.
                await flush()
                await upsert_customer_in(db, facts, at)
                continue
            if facts.email is None:
                raise CustomerRejected("missing_email")
            email = emails.fold(facts.email)
            if not emails.is_valid_email(email):
                raise CustomerRejected("invalid_email")
        except CustomerRejected as exc:
            rejected.append((line, exc.code))
            continue
        pending.append(
            (emails.email_key(email), facts, upsert_params(email, facts, name_key_of(facts), at))
        )
        known.update(facts.external_ids)
    await flush()
    return rejected


class ImportQueries(SqlBase):
    async def start_import(
        self, kind: str, format: str, filename: str | None, actor: str, at: datetime
    ) -> int:
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO imports (kind, format, filename, status, actor, started_at, "
                "updated_at) VALUES (?, ?, ?, 'running', ?, ?, ?) RETURNING id",
                (kind, format, filename, actor, at, at),
            )
        assert row is not None
        return int(row[0])

    async def import_rows(
        self,
        import_id: int,
        rows: Sequence[Row],
        read: int,
        at: datetime,
        columns: Mapping[str, str] | None = None,
    ) -> tuple[int, int]:
        """One batch, in one transaction: (imported, rejected). `read` is the rows read so far."""
        imported = 0
        rejected: list[Rejection] = []
        async with self._transaction() as db:
            customers = [(row.line, row.facts) for row in rows if isinstance(row, CustomerRow)]
            if customers:
                # Customers in bulk (a few statements per batch); orders and tickets one by one.
                refused = await upsert_customers_in(db, customers, at)
                for line, code in refused:
                    rejected.append(Rejection(line, code, (columns or {}).get(code)))
                imported += len(customers) - len(refused)
            for row in rows:
                if isinstance(row, Rejection):
                    rejected.append(row)
                    continue
                if isinstance(row, CustomerRow):
                    continue
                try:
                    if isinstance(row, OrderRow):
                        await _import_order(db, row.order, at)
                    elif isinstance(row, TicketRow):
                        await _import_ticket(db, row.ticket, at)
                except CustomerRejected as exc:
                    column = (columns or {}).get(exc.code)
                    rejected.append(Rejection(row.line, exc.code, column))
                    continue
                imported += 1
            rejected.sort(key=lambda r: r.line)
            if rejected:
                await db.executemany(
                    "INSERT INTO import_rejections (import_id, line, reason, field) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [(import_id, r.line, r.reason, r.field) for r in rejected],
                )
            await db.execute(
                "UPDATE imports SET rows_read = ?, rows_imported = rows_imported + ?, "
                "rows_rejected = rows_rejected + ?, updated_at = ? WHERE id = ?",
                (read, imported, len(rejected), at, import_id),
            )
        return imported, len(rejected)

    async def finish_import(
        self, import_id: int, status: str, at: datetime, error: str | None = None
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE imports SET status = ?, error = ?, finished_at = ?, updated_at = ? "
                "WHERE id = ?",
                (status, error, at, at, import_id),
            )

    async def import_report(self, import_id: int) -> ImportReport | None:
        row = await self._one(f"{REPORT} WHERE id = ?", (import_id,))
        return None if row is None else report_from_row(row)

    async def recent_imports(self, limit: int) -> list[ImportReport]:
        return [
            report_from_row(r)
            for r in await self._all(f"{REPORT} ORDER BY id DESC LIMIT ?", (limit,))
        ]

    async def import_rejections(
        self, import_id: int, after_line: int, limit: int
    ) -> list[Rejection]:
        rows = await self._all(
            "SELECT line, reason, field FROM import_rejections WHERE import_id = ? AND line > ? "
            "ORDER BY line LIMIT ?",
            (import_id, after_line, limit),
        )
        return [Rejection(int(r["line"]), r["reason"], r["field"]) for r in rows]
