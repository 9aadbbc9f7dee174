"""Customers with a history, for the ambassador score's tests: their orders and service tickets
through crm's import (the store's import_rows verb)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from shareback.crm.records import CustomerFacts, CustomerOrder, NewOrder, NewTicket, Ticket
from shareback.crm.rows import OrderRow, Row, TicketRow
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store

T = TypeVar("T")


@dataclass(frozen=True)
class History:
    email: str
    first_name: str | None = None
    country: str | None = "NL"
    tags: tuple[str, ...] = ()
    consent: bool | None = True
    # (days before now, total in cents) per order, in euros.
    orders: Sequence[tuple[int, int]] = ()
    # (days before now opened, still open, NPS or None) per ticket.
    tickets: Sequence[tuple[int, bool, int | None]] = field(default_factory=tuple)


def on_store(settings: Settings, scenario: Callable[[Store], Awaitable[T]]) -> T:
    async def go() -> T:
        store = await open_store(settings.database_url)
        try:
            await store.migrate()
            return await scenario(store)
        finally:
            await store.close()

    return asyncio.run(go())


async def add_customer(store: Store, history: History, now: datetime) -> int:
    """The customer, then their orders and tickets as crm's import reads them."""
    facts = CustomerFacts(
        history.email,
        first_name=history.first_name,
        country=history.country,
        tags=history.tags,
        marketing_consent=history.consent,
        consent_source="checkout" if history.consent is not None else None,
    )
    customer = await store.upsert_customer(facts, now)
    rows: list[Row] = []
    for number, (days, total) in enumerate(history.orders):
        order = CustomerOrder(
            "import", f"{history.email}:{number}", now - timedelta(days=days), total, 0, "EUR"
        )
        rows.append(OrderRow(len(rows) + 2, NewOrder(history.email, None, order)))
    for number, (days, still_open, nps) in enumerate(history.tickets):
        opened = now - timedelta(days=days)
        closed = None if still_open else opened + timedelta(days=1)
        ticket = Ticket("zendesk", f"{customer.id}-{number}", opened, closed, "delivery", None, nps)
        rows.append(TicketRow(len(rows) + 2, NewTicket(history.email, None, ticket)))
    if rows:
        job = await store.start_import("orders", "test", None, "tests", now)
        imported, rejected = await store.import_rows(job, rows, len(rows), now)
        assert (imported, rejected) == (len(rows), 0)
    return customer.id


def add_customers(settings: Settings, histories: Sequence[History], now: datetime) -> list[int]:
    async def scenario(store: Store) -> list[int]:
        return [await add_customer(store, h, now) for h in histories]

    return on_store(settings, scenario)
