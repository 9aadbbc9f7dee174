"""Contract: opening, migrating, pinging and closing a store, and the secrets it keeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import databases
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.migrate import migration_files
from store_contract import contract, covers, join, make_campaign


@covers("migrate")
def test_migrate_applies_every_file_once_in_order(fresh_database_url: Callable[[], str]) -> None:
    url = fresh_database_url()
    dialect = "sqlite" if databases.backend() == "sqlite" else "postgresql"
    names = [name for name, _ in migration_files(dialect)]

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        first = await open_store(url, 2)
        try:
            applied = await first.migrate()
            again = await first.migrate()
        finally:
            await first.close()
        second = await open_store(url, 2)
        try:
            return applied, again, await second.migrate()
        finally:
            await second.close()

    applied, again, reopened = asyncio.run(scenario())
    assert applied == names and len(names) >= 9
    assert again == [] and reopened == []


@covers("close", "ping")
def test_what_one_store_wrote_is_there_for_the_next(settings: Settings) -> None:
    async def scenario() -> str:
        store = await open_store(settings.database_url, 2)
        await store.migrate()
        await store.ping()  # answers, raises nothing
        advocate = await join(store, await make_campaign(store), "anna@example.nl", "Anna")
        await store.close()
        reopened = await open_store(settings.database_url, 2)
        try:
            await reopened.ping()
            found = await reopened.advocate_by_code(advocate.code)
            assert found == advocate
            return advocate.code
        finally:
            await reopened.close()

    assert asyncio.run(scenario()).startswith("ANNA-")


@contract("keep_secrets")
async def test_the_first_generated_secret_is_kept_for_good(store: Store) -> None:
    assert await store.keep_secrets({}) == {}
    kept = await store.keep_secrets({"signing_key": "first", "identity": "id-1"})
    assert kept == {"signing_key": "first", "identity": "id-1"}
    # Another process generating its own values gets the kept ones back, and adds only the new.
    again = await store.keep_secrets({"signing_key": "second", "csrf": "c-1"})
    assert again == {"signing_key": "first", "identity": "id-1", "csrf": "c-1"}
    assert await store.keep_secrets({}) == again
