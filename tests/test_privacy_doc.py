"""PRIVACY.md names every table: a new table (and its personal columns) cannot slip in without
saying why it is kept and for how long."""

from __future__ import annotations

import asyncio
from pathlib import Path

from shareback.settings import Settings
from shareback.storage import open_store
from support import db_tables

PRIVACY = Path(__file__).resolve().parent.parent / "PRIVACY.md"


def test_every_table_is_named_in_privacy_md(settings: Settings) -> None:
    async def migrate() -> None:
        store = await open_store(settings.database_url)
        try:
            await store.migrate()
        finally:
            await store.close()

    asyncio.run(migrate())
    page = PRIVACY.read_text()
    tables = db_tables(settings)
    assert len(tables) > 30
    missing = sorted(table for table in tables if f"`{table}`" not in page)
    assert not missing, f"tables PRIVACY.md does not name: {missing}"
