"""The SQLite connection pair: one writer (serialised, BEGIN IMMEDIATE) and one reader, in WAL mode."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import aiosqlite

from shareback.storage.base import (
    to_db_time,
)
from shareback.storage.migrate import migration_files

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)


def database_path(url: str) -> str:
    """sqlite:///relative.db, sqlite:////absolute/path.db"""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix:
        raise ValueError(f"a SQLite URL looks like sqlite:///shareback.db, not {url!r}")
    return url[len(prefix) :]


class SqliteBase:
    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str) -> Self:
        path = database_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connections = []
        for _ in range(2):
            conn = await aiosqlite.connect(path, isolation_level=None)
            conn.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            connections.append(conn)
        return cls(connections[0], connections[1])

    async def close(self) -> None:
        await self._reader.close()
        await self._writer.close()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")

    async def _one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        async with self._reader.execute(sql, params) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def ping(self) -> None:
        await self._one("SELECT 1")

    async def migrate(self) -> list[str]:
        applied: list[str] = []
        async with self._write_lock:
            await self._writer.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            async with self._writer.execute("SELECT name FROM schema_migrations") as cursor:
                done = {row[0] for row in await cursor.fetchall()}
            for name, sql in migration_files("sqlite"):
                if name in done:
                    continue
                # One transaction per file: the schema change and its record land together or not at all.
                stamp = to_db_time(datetime.now(UTC))
                script = (
                    f"BEGIN IMMEDIATE;\n{sql}\n;INSERT INTO schema_migrations (name, applied_at) "
                    f"VALUES ('{name}', '{stamp}');\nCOMMIT;"
                )
                try:
                    await self._writer.executescript(script)
                except sqlite3.Error:
                    if self._writer.in_transaction:
                        await self._writer.execute("ROLLBACK")
                    raise
                applied.append(name)
        return applied

    async def keep_secrets(self, generated: Mapping[str, str]) -> dict[str, str]:
        stamp = to_db_time(datetime.now(UTC))
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                [(name, value, stamp) for name, value in generated.items()],
            )
            async with db.execute("SELECT name, value FROM secrets") as cursor:
                return {row["name"]: row["value"] for row in await cursor.fetchall()}
