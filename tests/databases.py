"""The run's database: SQLite files by default, or PostgreSQL databases this run makes and drops.

SHAREBACK_TEST_DATABASE picks the backend (sqlite, postgresql); SHAREBACK_TEST_POSTGRES_URL names
the server. Every PostgreSQL database is called shareback_test_<pid>_<random>, so a leftover one
says which run made it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")

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
    """Runs asyncpg work from a sync test on an event loop of its own."""
    return asyncio.run(coroutine)


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0] in ("postgres", "postgresql")


def with_database(url: str, name: str) -> str:
    """The same server URL, pointing at database `name`."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


async def _ping(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=5)
    await conn.close()


def unreachable_reason(url: str) -> str | None:
    """None when the server answers, else why not (for the skip or failure message)."""
    try:
        run(_ping(url))
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL at {shown(url)} is unreachable: {type(exc).__name__}: {exc}"
    return None


def new_database_name() -> str:
    return f"shareback_test_{os.getpid()}_{secrets.token_hex(4)}"


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def create_database(server: str) -> str:
    """Makes an empty database on `server` and returns its URL."""
    name = new_database_name()
    run(_admin(server, f'CREATE DATABASE "{name}"'))
    return with_database(server, name)


def drop_database(server: str, url: str) -> None:
    """Drops the database `url` names, closing whatever connections the app left open."""
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("shareback_test_"):
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate_all(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        tables = [
            row["tablename"]
            for row in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'schema_migrations' ORDER BY tablename"
            )
        ]
        if tables:
            names = ", ".join(f'"{table}"' for table in tables)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


def truncate_all(url: str) -> None:
    """Empties every table but schema_migrations (none yet: the app migrates on start)."""
    run(_truncate_all(url))
