"""Customers read back: one by id or address with their tags and ids, their orders and tickets,
the dashboard's search, keyset pages for exports and scoring, links to advocates; and the one
upsert a caller makes on its own (the owner API)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shareback import emails
from shareback.crm.records import (
    Customer,
    CustomerFacts,
    CustomerLinks,
    CustomerOrder,
    LinkedAdvocate,
    ReferralFacts,
    Ticket,
)
from shareback.people_search import SearchTerms, prefix_range
from shareback.storage.database import Connection, Row
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.customers import (
    COLUMNS,
    ORDER_COLUMNS,
    customer_from_row,
    order_from_row,
    ticket_from_row,
    upsert_customer_in,
)
from shareback.storage.sql.referral_facts import referral_facts_in


class CustomerQueries(SqlBase):
    async def referral_facts(self, customer_ids: Sequence[int]) -> dict[int, ReferralFacts]:
        async with self._db.reading() as db:
            return await referral_facts_in(db, customer_ids)

    async def _customer(self, db: Connection, row: Row | None) -> Customer | None:
        if row is None:
            return None
        tags = await db.fetch(
            "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag", (row["id"],)
        )
        ids = await db.fetch(
            "SELECT system, external_id FROM customer_external_ids WHERE customer_id = ? "
            "ORDER BY system, external_id",
            (row["id"],),
        )
        return customer_from_row(
            row, [t[0] for t in tags], [(r["system"], r["external_id"]) for r in ids]
        )

    async def customer(self, customer_id: int) -> Customer | None:
        async with self._db.reading() as db:
            row = await db.fetchrow(f"SELECT {COLUMNS} FROM customers WHERE id = ?", (customer_id,))
            return await self._customer(db, row)

    async def customer_by_email(self, email: str) -> Customer | None:
        async with self._db.reading() as db:
            row = await db.fetchrow(
                f"SELECT {COLUMNS} FROM customers WHERE email_key = ?", (emails.email_key(email),)
            )
            return await self._customer(db, row)

    async def customer_orders(self, customer_id: int) -> list[CustomerOrder]:
        rows = await self._all(
            f"SELECT {ORDER_COLUMNS} FROM customer_orders WHERE customer_id = ? "
            "ORDER BY placed_at DESC, id DESC",
            (customer_id,),
        )
        return [order_from_row(row) for row in rows]

    async def customer_tickets(self, customer_id: int) -> list[Ticket]:
        rows = await self._all(
            "SELECT system, external_id, opened_at, closed_at, topic, satisfaction, nps "
            "FROM customer_tickets WHERE customer_id = ? ORDER BY opened_at DESC, id DESC",
            (customer_id,),
        )
        return [ticket_from_row(row) for row in rows]

    async def upsert_customer(self, facts: CustomerFacts, at: datetime) -> Customer:
        """Raises CustomerRejected when the facts cannot be kept (no or a bad address, an
        external id that names another customer's address)."""
        async with self._transaction() as db:
            customer_id = await upsert_customer_in(db, facts, at)
        found = await self.customer(customer_id)
        assert found is not None
        return found

    async def find_customers(
        self, search: SearchTerms | None, offset: int, limit: int
    ) -> list[Customer]:
        """Newest first; a search matches the start of the e-mail key or of the name (the
        indexes of migration 0026), as the advocates list does."""
        where, params = "", []
        if search is not None:
            email = self.dialect.bytewise("email_key")
            name = self.dialect.bytewise("search_name")
            where = f"WHERE ({email} >= ? AND {email} < ?)"
            params = [
                *prefix_range(
                    emails.email_key(search.email) if "@" in search.email else search.email
                )
            ]
            if search.name:
                where += f" OR ({name} >= ? AND {name} < ?)"
                params += [*prefix_range(search.name)]
        async with self._db.reading() as db:
            rows = await db.fetch(
                f"SELECT {COLUMNS} FROM customers {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
            return [c for c in [await self._customer(db, row) for row in rows] if c is not None]

    async def customer_links(self, customer_id: int) -> CustomerLinks:
        """Their advocates (one per campaign joined) and the advocates who referred them."""
        own = await self._all(
            "SELECT a.id, a.code, c.name FROM advocates a JOIN campaigns c ON c.id = a.campaign_id "
            "WHERE a.customer_id = ? ORDER BY a.id",
            (customer_id,),
        )
        referred = await self._all(
            "SELECT a.id, a.code, c.name FROM customers k JOIN referrals r "
            "ON r.friend_email_key = k.email_key JOIN advocates a ON a.id = r.advocate_id "
            "JOIN campaigns c ON c.id = r.campaign_id WHERE k.id = ? ORDER BY r.id",
            (customer_id,),
        )
        return CustomerLinks(
            advocates=tuple(LinkedAdvocate(int(r[0]), r[1], r[2]) for r in own),
            referred_by=tuple(LinkedAdvocate(int(r[0]), r[1], r[2]) for r in referred),
        )

    async def iterate_customers(self, after_id: int, limit: int) -> list[Customer]:
        """Keyset pages in id order: `after_id` is the last id of the page before (0 first)."""
        async with self._db.reading() as db:
            rows = await db.fetch(
                f"SELECT {COLUMNS} FROM customers WHERE id > ? ORDER BY id LIMIT ?",
                (after_id, limit),
            )
            if not rows:
                return []
            ids = [int(r["id"]) for r in rows]
            marks = ", ".join("?" * len(ids))
            tags: dict[int, list[str]] = {}
            for t in await db.fetch(
                f"SELECT customer_id, tag FROM customer_tags WHERE customer_id IN ({marks}) "
                "ORDER BY customer_id, tag",
                ids,
            ):
                tags.setdefault(int(t[0]), []).append(t[1])
            external: dict[int, list[tuple[str, str]]] = {}
            for e in await db.fetch(
                "SELECT customer_id, system, external_id FROM customer_external_ids "
                f"WHERE customer_id IN ({marks}) ORDER BY customer_id, system, external_id",
                ids,
            ):
                external.setdefault(int(e[0]), []).append((e[1], e[2]))
        return [
            customer_from_row(r, tags.get(int(r["id"]), ()), external.get(int(r["id"]), ()))
            for r in rows
        ]
