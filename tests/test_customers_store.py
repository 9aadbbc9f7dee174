"""The customer verbs (storage/sql/customers.py) on the real database: upserts by e-mail key and
by external id, tags, consent, keyset pages."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from shareback.crm.records import CustomerFacts, ImportedTotals
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.sql.customers import CustomerRejected

T = TypeVar("T")
AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def with_store(settings: Settings, action: Callable[[Store], Awaitable[T]]) -> T:
    async def run() -> T:
        store = await open_store(settings.database_url)
        try:
            await store.migrate()
            return await action(store)
        finally:
            await store.close()

    return asyncio.run(run())


def test_a_customer_is_one_record_per_inbox_and_keeps_what_a_source_does_not_say(
    settings: Settings,
) -> None:
    async def scenario(store: Store) -> None:
        first = await store.upsert_customer(
            CustomerFacts(
                "Anna.Jansen+shop@Example.NL",
                first_name="Anna",
                last_name="Jansen",
                country="NL",
                tags=(" VIP ", "newsletter"),
                marketing_consent=True,
                consent_source="shopify",
            ),
            AT,
        )
        again = await store.upsert_customer(
            CustomerFacts("anna.jansen@example.nl", tags=("Wholesale",)), AT
        )
        assert again.id == first.id
        assert again.first_name == "Anna" and again.last_name == "Jansen"
        assert again.country == "NL"
        assert again.tags == ("newsletter", "vip", "wholesale")
        assert again.marketing_consent is True and again.consent_source == "shopify"
        assert again.consent_at == AT
        found = await store.customer_by_email("ANNA.JANSEN@example.nl")
        assert found is not None and found.id == first.id

    with_store(settings, scenario)


def test_an_external_id_finds_the_customer_whose_address_changed(settings: Settings) -> None:
    async def scenario(store: Store) -> None:
        old = await store.upsert_customer(
            CustomerFacts("bram@example.nl", external_ids=(("salesforce", "003A"),)), AT
        )
        moved = await store.upsert_customer(
            CustomerFacts("bram@new.example", external_ids=(("salesforce", "003A"),)), AT
        )
        assert moved.id == old.id and moved.email == "bram@new.example"
        assert moved.external_ids == (("salesforce", "003A"),)
        await store.upsert_customer(CustomerFacts("cees@example.nl"), AT)
        with pytest.raises(CustomerRejected) as taken:
            await store.upsert_customer(
                CustomerFacts("cees@example.nl", external_ids=(("salesforce", "003A"),)), AT
            )
        assert taken.value.code == "external_id_conflict"
        with pytest.raises(CustomerRejected) as nobody:
            await store.upsert_customer(CustomerFacts(None, first_name="Dirk"), AT)
        assert nobody.value.code == "missing_email"

    with_store(settings, scenario)


def test_imported_totals_are_the_customers_figures_and_pages_follow_ids(
    settings: Settings,
) -> None:
    async def scenario(store: Store) -> None:
        for n in range(5):
            await store.upsert_customer(
                CustomerFacts(f"c{n}@example.nl", imported=ImportedTotals(n, 1000 * n, "EUR", AT)),
                AT,
            )
        first = await store.iterate_customers(0, 3)
        rest = await store.iterate_customers(first[-1].id, 3)
        assert [c.email for c in first + rest] == [f"c{n}@example.nl" for n in range(5)]
        assert [(c.order_count, c.revenue_minor, c.currency) for c in rest] == [
            (3, 3000, "EUR"),
            (4, 4000, "EUR"),
        ]
        assert await store.iterate_customers(rest[-1].id, 3) == []

    with_store(settings, scenario)
