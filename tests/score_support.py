"""Customers with a history, for the ambassador score's tests: orders through crm's own order
recording, service tickets (until crm's ticket import lands: a plain insert both dialects run)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from shareback.crm.records import CustomerFacts, CustomerOrder
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.sql.customers import record_customer_order_in

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
    facts = CustomerFacts(
        history.email,
        first_name=history.first_name,
        country=history.country,
        tags=history.tags,
        marketing_consent=history.consent,
        consent_source="checkout" if history.consent is not None else None,
    )
    customer = await store.upsert_customer(facts, now)
    async with store._transaction() as db:  # type: ignore[attr-defined]
        for number, (days, total) in enumerate(history.orders):
            order = CustomerOrder(
                "import",
                f"{history.email}:{number}",
                now - timedelta(days=days),
                total,
                0,
                "EUR",
            )
            await record_customer_order_in(db, facts, order, now)
        for number, (days, still_open, nps) in enumerate(history.tickets):
            opened = now - timedelta(days=days)
            await db.execute(
                "INSERT INTO customer_tickets (customer_id, system, external_id, opened_at, "
                "closed_at, topic, satisfaction, nps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    customer.id,
                    "zendesk",
                    f"{customer.id}-{number}",
                    opened,
                    None if still_open else opened + timedelta(days=1),
                    "delivery",
                    None,
                    nps,
                ),
            )
    return customer.id


def add_customers(settings: Settings, histories: Sequence[History], now: datetime) -> list[int]:
    async def scenario(store: Store) -> list[int]:
        return [await add_customer(store, h, now) for h in histories]

    return on_store(settings, scenario)
