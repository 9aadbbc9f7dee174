"""The run's database: SQLite files by default, or PostgreSQL databases this run makes and drops.

SHAREBACK_TEST_DATABASE picks the backend (sqlite, postgresql); SHAREBACK_TEST_POSTGRES_URL names
the server. Every PostgreSQL database is called shareback_test_<pid>_<random>, so a leftover one
says which run made it. Reads and writes here take SQL with `?` placeholders on both backends and
give values as the SQLite file holds them, so assertions read the same on both.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import secrets
import sqlite3
from collections.abc import Coroutine, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from shareback.storage.sqlite import database_path

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
PREFIX = "shareback_test_"

T = TypeVar("T")


def backend() -> str:
    chosen = os.environ.get("SHAREBACK_TEST_DATABASE", "").strip().lower() or "sqlite"
    if chosen not in BACKENDS:
        raise ValueError(f"SHAREBACK_TEST_DATABASE={chosen!r}: use one of {', '.join(BACKENDS)}")
    return chosen


def server_url() -> str:
    return os.environ.get("SHAREBACK_TEST_POSTGRES_URL", "").strip() or DEFAULT_SERVER_URL


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs asyncpg work from sync code on an event loop of its own (on another thread when this
    one already runs a loop, as under Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0] in ("postgres", "postgresql")


def with_database(url: str, name: str) -> str:
    """The same server URL, pointing at database `name`."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{parts.hostname or ''}{port}", parts.path, "", ""))


async def _ping(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=5)
    await conn.close()


def unreachable_reason(url: str) -> str | None:
    """None when the server answers, else why not (for the skip or failure message)."""
    try:
        run(_ping(url))
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return f"PostgreSQL at {shown(url)} is unreachable ({type(exc).__name__}: {exc})"
    return None


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def create_database(server: str) -> str:
    """Makes an empty database on `server` and returns its URL."""
    name = f"{PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    run(_admin(server, f'CREATE DATABASE "{name}"'))
    return with_database(server, name)


def drop_database(server: str, url: str) -> None:
    """Drops the database `url` names, closing whatever connections the app left open."""
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(PREFIX):
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class PostgresDatabases:
    """The databases one test session makes on one server: the shared one, made on first use and
    emptied before each test, and fresh ones for tests that need a second; all dropped at the end."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.made: list[str] = []
        self._shared: str | None = None

    def shared(self) -> str:
        if self._shared is None:
            self._shared = self.fresh()
        return self._shared

    def fresh(self) -> str:
        url = create_database(self.server)
        self.made.append(url)
        return url

    def drop_all(self) -> None:
        while self.made:
            drop_database(self.server, self.made.pop())
        self._shared = None


async def _empty_all(url: str, restart_ids: bool) -> None:
    """DELETE from every table but schema_migrations, children before parents, in one
    transaction; with restart_ids every identity sequence starts again at 1.

    Not TRUNCATE: on this schema (fifty-odd tables) TRUNCATE … RESTART IDENTITY makes new files
    for every table and index and took 0.3 to 0.6 s per test, most of the PostgreSQL run's time; the
    DELETEs on a test's few rows take about 15 ms."""
    conn = await asyncpg.connect(url, timeout=10)
    try:
        tables = {
            row["tablename"]
            for row in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'schema_migrations'"
            )
        }
        references = [
            (row["child"], row["parent"])
            for row in await conn.fetch(
                "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid"
            )
        ]
        # Children before their parents, so that no foreign key is ever left dangling.
        order: list[str] = []
        while tables:
            free = sorted(
                t for t in tables if not any(p == t and c in tables for c, p in references)
            )
            if not free:
                raise RuntimeError(f"foreign keys in a cycle among {sorted(tables)}")
            order += free
            tables -= set(free)
        if not order:
            return
        statements = "; ".join(f'DELETE FROM "{table}"' for table in order)
        async with conn.transaction():
            await conn.execute(statements)
            if restart_ids:
                await conn.execute(
                    "SELECT setval(c.oid, s.seqstart, false) FROM pg_class c "
                    "JOIN pg_sequence s ON s.seqrelid = c.oid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                )
    finally:
        await conn.close()


def truncate_all(url: str) -> None:
    """Empties every table but schema_migrations (none yet: the app migrates on start), ids
    starting again from 1."""
    run(_empty_all(url, restart_ids=True))


def delete_all(url: str) -> None:
    """Empties every table like truncate_all, but ids go on counting (for tests that never
    assume an id)."""
    run(_empty_all(url, restart_ids=False))


class Row:
    """One result row, read alike on both backends: row[0], row["name"], row[1:], dict(row)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: Sequence[str], values: Sequence[Any]) -> None:
        self._names = tuple(names)
        self._values = tuple(values)

    def keys(self) -> list[str]:
        return list(self._names)

    @overload
    def __getitem__(self, key: int | str) -> Any: ...

    @overload
    def __getitem__(self, key: slice) -> tuple[Any, ...]: ...

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._names.index(key)]
            except ValueError:
                raise IndexError(f"no column named {key!r}") from None
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._names == other._names and self._values == other._values
        if isinstance(other, tuple):
            return self._values == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values, strict=True))!r})"


def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's $1, $2, …, leaving quoted strings and names alone."""
    out: list[str] = []
    quote: str | None = None
    n = 0
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(char)
    return "".join(out)


def _sqlite_time(moment: datetime | str) -> str:
    return moment if isinstance(moment, str) else moment.isoformat()


def _db_time(text: str) -> str:
    """PostgreSQL's text of a timestamptz as SQLite stores times: 'YYYY-MM-DD HH:MM:SS.ffffff' UTC."""
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _as_bool(value: object) -> str:
    if isinstance(value, str):
        return value
    return "true" if value else "false"


def _day(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _plain(value: Any) -> Any:
    # SUM and friends give numeric on PostgreSQL, an integer in SQLite.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


async def _connect(url: str) -> asyncpg.Connection:
    """A connection that takes and gives times, days and flags as the SQLite file holds them."""
    conn = await asyncpg.connect(
        url, timeout=10, server_settings={"TimeZone": "UTC", "DateStyle": "ISO"}
    )
    await conn.set_type_codec(
        "timestamptz", schema="pg_catalog", encoder=_sqlite_time, decoder=_db_time, format="text"
    )
    await conn.set_type_codec("date", schema="pg_catalog", encoder=_day, decoder=str, format="text")
    await conn.set_type_codec(
        "bool",
        schema="pg_catalog",
        encoder=_as_bool,
        decoder=lambda text: int(text == "t"),
        format="text",
    )
    return conn


async def _pg_rows(url: str, sql: str, params: Sequence[object]) -> list[Row]:
    conn = await _connect(url)
    try:
        records = await conn.fetch(numbered(sql), *params)
    finally:
        await conn.close()
    return [Row(list(record.keys()), [_plain(v) for v in record.values()]) for record in records]


async def _pg_execute(url: str, sql: str, params: Sequence[object]) -> int:
    conn = await _connect(url)
    try:
        status = await conn.execute(numbered(sql), *params)
    finally:
        await conn.close()
    # "UPDATE 3", "INSERT 0 1", "DELETE 0"
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def rows(url: str, sql: str, params: Sequence[object] = ()) -> list[Row]:
    """The rows of one query (SQL with `?` placeholders) on the database `url` names."""
    if is_postgres_url(url):
        return run(_pg_rows(url, sql, params))
    with contextlib.closing(sqlite3.connect(database_path(url))) as conn:
        cursor = conn.execute(sql, tuple(params))
        names = [column[0] for column in cursor.description or ()]
        return [Row(names, values) for values in cursor.fetchall()]


def execute(url: str, sql: str, params: Sequence[object] = ()) -> int:
    """Runs one statement in its own transaction; the number of rows it touched."""
    if is_postgres_url(url):
        return run(_pg_execute(url, sql, params))
    with contextlib.closing(sqlite3.connect(database_path(url))) as conn, conn:
        return conn.execute(sql, tuple(params)).rowcount


def tables(url: str) -> set[str]:
    """The names of the tables the database holds."""
    if is_postgres_url(url):
        found = rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    else:
        found = rows(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(row[0]) for row in found}
