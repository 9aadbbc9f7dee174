"""SQLite in WAL mode: one writer (serialised, BEGIN IMMEDIATE) and one reader (aiosqlite).

The writer's statements run on the event loop itself: inside BEGIN IMMEDIATE nothing waits for a
lock, and a keyed insert or update takes microseconds, far less than the two thread switches
aiosqlite spends on each statement (which, on a busy machine, each wait for a scheduler slot).
What can wait — BEGIN IMMEDIATE for another process's write lock (busy_timeout), COMMIT with its
WAL checkpoint — runs in the writer's own thread. Reads, which can be long (the dashboard's
numbers), stay on aiosqlite's thread.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self, cast

import aiosqlite

from shareback.storage.database import Dialect, Row, checked, to_db_time
from shareback.storage.migrate import migration_files

BUSY_TIMEOUT_MS = 10_000
# Commits between two WAL checkpoints (SQLite's own default: every 1,000 pages).
CHECKPOINT_EVERY = 200

log = logging.getLogger("shareback.storage")

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
)

# Times are stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text, so the day is its first ten
# characters, written exactly as in migration 0005's expression indexes.
SQLITE = Dialect(
    name="sqlite",
    day_of="substr({}, 1, 10)",
    ilike="LIKE",
    skip_locked="",
    hints=True,
    shifted_day_of="date({0}, '{1:+d} seconds')",
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


class WriterConnection:
    """The writer inside its transaction: each statement runs right here, on the event loop."""

    dialect = SQLITE

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return cast(list[Row], self._conn.execute(sql, _params(params)).fetchall())

    async def fetchrow(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        cursor = self._conn.execute(sql, _params(params))
        try:
            return cast(Row | None, cursor.fetchone())
        finally:
            cursor.close()

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = self._conn.execute(sql, _params(params))
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, [_params(row) for row in rows]).close()

    async def lock(self, name: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already made this the only writer."""

    async def lock_all(self, names: Sequence[str]) -> None:
        """Nothing to do either."""


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        conn.execute(pragma)
    # On the event loop nothing may wait: a busy database is waited for in the thread
    # (_begin_waiting), and the reader checkpoints the WAL (_committed).
    conn.execute("PRAGMA busy_timeout=0")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    return conn


class SqliteDatabase:
    dialect = SQLITE

    def __init__(self, writer: sqlite3.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        # The writer's blocking steps (waiting for another process's lock, migrations).
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
        self._commits = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self._closed = False

    @classmethod
    async def open(cls, url: str) -> Self:
        path = database_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await asyncio.to_thread(_connect, path)
        reader = await aiosqlite.connect(path, isolation_level=None)
        reader.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            await reader.execute(pragma)
        return cls(writer, reader)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._checkpoint is not None:
            await self._checkpoint
        await self._reader.close()
        async with self._write_lock:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._writer.close)
        self._thread.shutdown()

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE at once when no other process writes; else wait for it in the thread."""
        try:
            self._writer.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            await asyncio.get_running_loop().run_in_executor(self._thread, self._begin_waiting)

    def _begin_waiting(self) -> None:
        self._writer.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        try:
            self._writer.execute("BEGIN IMMEDIATE")
        finally:
            self._writer.execute("PRAGMA busy_timeout=0")

    def _committed(self) -> None:
        """Every CHECKPOINT_EVERY commits, the WAL is copied back into the database file by the
        reader's thread (PASSIVE: never in anyone's way), not by the writer on the event loop."""
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0 and self._checkpoint is None:
            self._checkpoint = asyncio.create_task(self._run_checkpoint())

    async def _run_checkpoint(self) -> None:
        try:
            await self._reader.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.OperationalError as exc:
            # "database table is locked": the writer is mid-transaction, as it often is under
            # load. Expected, and the next round checkpoints: no traceback in the owner's log.
            log.debug("WAL checkpoint deferred (%s); the next one will try again", exc)
        except sqlite3.Error:
            log.exception("WAL checkpoint failed; the next one will try again")
        finally:
            self._checkpoint = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriterConnection]:
        async with self._write_lock:
            await self._begin()
            try:
                yield WriterConnection(self._writer)
            except BaseException:
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
                raise
            try:
                self._writer.execute("COMMIT")
            except BaseException:
                # Not committed (a full disk, say): undone, so the next transaction starts
                # clean, and the caller learns that nothing of it was stored.
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
                raise
            self._committed()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[SqliteConnection]:
        yield SqliteConnection(self._reader)

    def single_write(self) -> AbstractAsyncContextManager[WriterConnection]:
        return self.transaction()

    async def migrate(self) -> list[str]:
        async with self._write_lock:
            return await asyncio.get_running_loop().run_in_executor(self._thread, self._migrate)

    def _migrate(self) -> list[str]:
        self._writer.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # in the thread: may wait
        try:
            return self._apply_migrations()
        finally:
            self._writer.execute("PRAGMA busy_timeout=0")

    def _apply_migrations(self) -> list[str]:
        applied: list[str] = []
        writer = self._writer
        writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in writer.execute("SELECT name FROM schema_migrations")}
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
                writer.executescript(script)
            except sqlite3.Error:
                if writer.in_transaction:
                    writer.execute("ROLLBACK")
                raise
            applied.append(name)
        if applied:  # the writer never checkpoints by itself (wal_autocheckpoint=0)
            writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return applied
