"""customer.updated in SQL: which customers' referral facts may have changed since the last
round (advocates with new clicks, shares, referrals or rewards, by id watermarks, and rewards
revoked since), their facts computed, and an event for each whose facts differ from the last
ones sent, in the transaction that records them as sent."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shareback.crm import documents
from shareback.crm.records import Customer
from shareback.storage.database import Connection, db_int
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.customers import COLUMNS, customer_from_row
from shareback.storage.sql.outbox import enqueue
from shareback.storage.sql.referral_facts import referral_facts_in

MARKS = "customer_sync_marks"
CHUNK = 500
# Customers linked to an advocate before any round saw them (an import after the advocate's
# activity): this many a round, until none is left.
UNSEEN_PER_ROUND = 1000
WATCHED = {
    "clicks": "SELECT DISTINCT advocate_id FROM clicks WHERE id > ? AND id <= ?",
    "events": "SELECT DISTINCT advocate_id FROM events WHERE id > ? AND id <= ? "
    "AND advocate_id IS NOT NULL",
    "referrals": "SELECT DISTINCT advocate_id FROM referrals WHERE id > ? AND id <= ?",
    "rewards": "SELECT DISTINCT r.advocate_id FROM rewards w JOIN referrals r "
    "ON r.id = w.referral_id WHERE w.id > ? AND w.id <= ?",
}


async def customers_by_ids(db: Connection, ids: Sequence[int]) -> list[Customer]:
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = await db.fetch(f"SELECT {COLUMNS} FROM customers WHERE id IN ({marks})", list(ids))
    external: dict[int, list[tuple[str, str]]] = {}
    for e in await db.fetch(
        "SELECT customer_id, system, external_id FROM customer_external_ids "
        f"WHERE customer_id IN ({marks}) ORDER BY customer_id, system, external_id",
        list(ids),
    ):
        external.setdefault(int(e[0]), []).append((e[1], e[2]))
    return [customer_from_row(r, (), external.get(int(r["id"]), ())) for r in rows]


class CustomerSyncQueries(SqlBase):
    async def _touched_customers(self, since: datetime | None) -> tuple[set[int], dict[str, Any]]:
        async with self._db.reading() as db:
            row = await db.fetchrow("SELECT value FROM store_meta WHERE name = ?", (MARKS,))
            marks: dict[str, Any] = json.loads(row[0]) if row else {}
            now_marks: dict[str, Any] = {}
            advocates: set[int] = set()
            for table, sql in WATCHED.items():
                top = await db.fetchrow(f"SELECT MAX(id) FROM {table}")
                now_marks[table] = db_int(top[0] if top else 0)
                advocates.update(
                    int(r[0])
                    for r in await db.fetch(sql, (int(marks.get(table, 0)), now_marks[table]))
                )
            # Revocations since the last round, whichever process ran it (its time is kept).
            if marks.get("at"):
                since = datetime.fromisoformat(marks["at"])
            if since is not None:
                advocates.update(
                    int(r[0])
                    for r in await db.fetch(
                        "SELECT DISTINCT r.advocate_id FROM rewards w JOIN referrals r "
                        "ON r.id = w.referral_id WHERE w.revoked_at >= ?",
                        (since,),
                    )
                )
            customers: set[int] = set()
            listed = sorted(advocates)
            for start in range(0, len(listed), CHUNK):
                chunk = listed[start : start + CHUNK]
                customers.update(
                    int(r[0])
                    for r in await db.fetch(
                        "SELECT DISTINCT customer_id FROM advocates WHERE customer_id IS NOT NULL "
                        f"AND id IN ({', '.join('?' * len(chunk))})",
                        chunk,
                    )
                )
            customers.update(
                int(r[0])
                for r in await db.fetch(
                    "SELECT DISTINCT a.customer_id FROM advocates a JOIN customers c "
                    "ON c.id = a.customer_id WHERE c.referral_facts IS NULL LIMIT ?",
                    (UNSEEN_PER_ROUND,),
                )
            )
        return customers, now_marks

    async def sync_customer_facts(self, since: datetime | None, now: datetime) -> int:
        """One round: customer.updated for each customer whose referral facts changed; the
        number of events made. `since` is when the previous round began (revocations since)."""
        customers, marks = await self._touched_customers(since)
        marks["at"] = now.isoformat()
        sent = 0
        listed = sorted(customers)
        for start in range(0, len(listed), CHUNK):
            chunk = listed[start : start + CHUNK]
            async with self._transaction() as db:
                facts = await referral_facts_in(db, chunk)
                stored = {
                    int(r[0]): r[1]
                    for r in await db.fetch(
                        "SELECT id, referral_facts FROM customers "
                        f"WHERE id IN ({', '.join('?' * len(chunk))})",
                        chunk,
                    )
                }
                changed = []
                for customer_id, fact in facts.items():
                    text = json.dumps(fact.as_dict(), sort_keys=True, separators=(",", ":"))
                    if stored.get(customer_id) != text:
                        changed.append((customer_id, text))
                for customer in await customers_by_ids(db, [c for c, _ in changed]):
                    await enqueue(
                        db,
                        "customer.updated",
                        documents.customer_event(customer, facts[customer.id]),
                        now,
                    )
                    sent += 1
                await db.executemany(
                    "UPDATE customers SET referral_facts = ? WHERE id = ?",
                    [(text, customer_id) for customer_id, text in changed],
                )
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO store_meta (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (MARKS, json.dumps(marks)),
            )
        return sent
