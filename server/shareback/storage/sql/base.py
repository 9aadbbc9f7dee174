"""What every query module shares: the database, its dialect, one-off reads, secrets."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, tzinfo
from typing import Any

from shareback.shop_days import UTC_ZONE
from shareback.storage.database import Connection, Database, Dialect, Row
from shareback.storage.lookups import Lookups


class SqlBase:
    def __init__(self, db: Database, zone: tzinfo = UTC_ZONE) -> None:
        self._db = db
        # The shop's time zone (SHAREBACK_TIMEZONE): every day the store keys or counts is a shop
        # day (shareback/shop_days.py).
        self.zone = zone
        self._kept: dict[str, str] = {}
        # Advocates by code and campaigns by id, for a few seconds (storage/lookups.py).
        self._lookups = Lookups()

    def clear_lookups(self) -> None:
        self._lookups.clear()

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

    async def _kept_secret(self, name: str) -> str:
        """A key only the store uses (hashing what it must not keep in the clear), generated once
        beside the others and read once per process."""
        if name not in self._kept:
            kept = await self.keep_secrets({name: secrets.token_urlsafe(32)})
            self._kept[name] = kept[name]
        return self._kept[name]
