"""What every query module shares: the database, its dialect, one-off reads, secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime
from typing import Any

from shareback.storage.database import Connection, Database, Dialect, Row


class SqlBase:
    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def dialect(self) -> Dialect:
        return self._db.dialect

    def _transaction(self) -> AbstractAsyncContextManager[Connection]:
        return self._db.transaction()

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._db.reading() as conn:
            return await conn.fetchrow(sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._db.reading() as conn:
            return await conn.fetch(sql, params)

    async def close(self) -> None:
        await self._db.close()

    async def migrate(self) -> list[str]:
        return await self._db.migrate()

    async def ping(self) -> None:
        await self._one("SELECT 1")

    async def keep_secrets(self, generated: Mapping[str, str]) -> dict[str, str]:
        now = datetime.now(UTC)
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                [(name, value, now) for name, value in generated.items()],
            )
            return {
                row["name"]: row["value"]
                for row in await db.fetch("SELECT name, value FROM secrets")
            }

    async def ip_salt_on(self, day: date) -> str | None:
        """The salt of the click-IP hashes made on `day` (None once it is deleted). For now the one
        kept ip_salt secret serves every day; issue 8's privacy work rotates it daily."""
        row = await self._one("SELECT value FROM secrets WHERE name = 'ip_salt'")
        return None if row is None else str(row[0])
