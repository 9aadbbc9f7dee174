"""PostgreSQL through an asyncpg pool: the store's `?` SQL as `$n`, advisory locks, migrations
applied once however many processes start together."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Self, cast

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from shareback.storage.database import Dialect, Row, checked
from shareback.storage.migrate import migration_files

POSTGRES = Dialect(
    name="postgresql",
    day_of="(({} AT TIME ZONE 'UTC')::date)",
    ilike="ILIKE",
    skip_locked=" FOR UPDATE OF {} SKIP LOCKED",
    hints=False,
    shifted_day_of="((({0} AT TIME ZONE 'UTC') + INTERVAL '{1} seconds')::date)",
)

# pg_advisory_lock key of `shareback migrate`: any constant no other tool of the shop uses.
MIGRATION_LOCK = 0x5348_4152_4542_4143  # "SHAREBAC"


@functools.lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2, …`, leaving quoted strings and identifiers alone."""
    out: list[str] = []
    quote: str | None = None
    n = 0
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(char)
    return "".join(out)


def _count(status: str) -> int:
    """asyncpg's command tag ("UPDATE 3", "INSERT 0 1") as the number of rows changed."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresConnection:
    dialect = POSTGRES

    def __init__(self, conn: asyncpg.Connection | PoolConnectionProxy) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return cast(list[Row], await self._conn.fetch(numbered(sql), *checked(params)))

    async def fetchrow(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return cast(Row | None, await self._conn.fetchrow(numbered(sql), *checked(params)))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return _count(await self._conn.execute(numbered(sql), *checked(params)))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(numbered(sql), [tuple(checked(row)) for row in rows])

    async def lock(self, name: str) -> None:
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", *checked((name,))
        )

    async def lock_all(self, names: Sequence[str]) -> None:
        """One round trip; the keys taken in ascending order, whoever asks."""
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(n, 0) AS k "
            "FROM unnest($1::text[]) AS n ORDER BY k) AS keys",
            list(checked(names)),
        )


class PostgresDatabase:
    dialect = POSTGRES

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, pool_size: int = 10) -> Self:
        # asyncpg takes postgresql:// and postgres:// alike.
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=max(1, pool_size), server_settings={"timezone": "UTC"}
        )
        return cls(pool)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresConnection]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield PostgresConnection(conn)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[PostgresConnection]:
        async with self._pool.acquire() as conn:
            yield PostgresConnection(conn)

    @asynccontextmanager
    async def single_write(self) -> AsyncIterator[PostgresConnection]:
        async with self._pool.acquire() as conn:  # the statement commits on its own
            yield PostgresConnection(conn)

    async def migrate(self) -> list[str]:
        """Each file and its record in one transaction, under a session advisory lock: processes
        starting together wait for the first, then find nothing left to do."""
        applied: list[str] = []
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
                )
                done = {row[0] for row in await conn.fetch("SELECT name FROM schema_migrations")}
                for name, sql in migration_files("postgresql"):
                    if name in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(sql)
                        await conn.execute(
                            "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
                            name,
                            datetime.now(UTC),
                        )
                    applied.append(name)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        return applied
