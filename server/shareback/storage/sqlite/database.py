"""SQLite through aiosqlite: one writer (serialised, BEGIN IMMEDIATE) and one reader, in WAL mode."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self, cast

import aiosqlite

from shareback.storage.database import Dialect, Row, checked, to_db_time
from shareback.storage.migrate import migration_files

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)

# Times are stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text, so the day is its first ten
# characters, written exactly as in migration 0005's expression indexes.
SQLITE = Dialect(
    name="sqlite", day_of="substr({}, 1, 10)", ilike="LIKE", skip_locked="", hints=True
)


def database_path(url: str) -> str:
    """sqlite:///relative.db, sqlite:////absolute/path.db"""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix:
        raise ValueError(f"a SQLite URL looks like sqlite:///shareback.db, not {url!r}")
    return url[len(prefix) :]


def _value(value: Any) -> Any:
    """Python values as SQLite keeps them: times and days as sortable UTC text."""
    if isinstance(value, datetime):
        return to_db_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _params(params: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(_value(value) for value in checked(params))


class SqliteConnection:
    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._conn.execute(sql, _params(params)) as cursor:
            return cast(list[Row], list(await cursor.fetchall()))

    async def fetchrow(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._conn.execute(sql, _params(params)) as cursor:
            return cast(Row | None, await cursor.fetchone())

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._conn.execute(sql, _params(params)) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, [_params(row) for row in rows])

    async def lock(self, name: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already made this the only writer."""

    async def lock_all(self, names: Sequence[str]) -> None:
        """Nothing to do either."""


class SqliteDatabase:
    dialect = SQLITE

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
    async def transaction(self) -> AsyncIterator[SqliteConnection]:
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteConnection(self._writer)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[SqliteConnection]:
        yield SqliteConnection(self._reader)

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
