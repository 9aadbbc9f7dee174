"""The PostgreSQL migrations build the SQLite schema: same tables, columns, keys and indexes, so a
row copies 1:1 between the two, with the types the conventions of migrations/postgresql ask for."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from databases import create_database, drop_database, run
from shareback.storage.migrate import migration_files

pytestmark = pytest.mark.postgres

# Column name -> PostgreSQL type, where an SQLite INTEGER or TEXT does not map to BIGINT or TEXT.
FLAGS = {
    "new_customers_only",
    "verified",
    "cumulative",
    "findable",
    "draft",
    "rolled_out",
    "marketing_consent",
    "excluded",
}
SMALL_INTS = {
    "attribution_days",
    "hold_days",
    "attempts",
    "last_status_code",
    "status_code",
    "duration_ms",
    "validation_attempts",
}


def expected_pg_type(sqlite_type: str, column: str) -> str:
    if sqlite_type == "INTEGER":
        if column in FLAGS:
            return "boolean"
        return "integer" if column in SMALL_INTS else "bigint"
    assert sqlite_type == "TEXT", f"{column}: unexpected SQLite type {sqlite_type}"
    if column == "day" or column.endswith("_day"):
        return "date"
    if column in ("at", "approve_after") or column.endswith(("_at", "_until")):
        return "timestamp with time zone"
    return "text"


def test_every_sqlite_migration_has_a_postgresql_twin() -> None:
    assert [name for name, _ in migration_files("postgresql")] == [
        name for name, _ in migration_files("sqlite")
    ]


@pytest.fixture(scope="module")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path: Path = tmp_path_factory.mktemp("parity") / "schema.db"
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    for _, sql in migration_files("sqlite"):
        conn.executescript(f"BEGIN;\n{sql}\nCOMMIT;")
    yield conn
    conn.close()


async def _migrate(url: str, names: slice = slice(None)) -> None:
    conn = await asyncpg.connect(url)
    try:
        for _, sql in migration_files("postgresql")[names]:
            async with conn.transaction():
                await conn.execute(sql)
    finally:
        await conn.close()


async def _fetch(url: str, sql: str, *args: object) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(url)
    try:
        return [dict(row) for row in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def pg_schema(postgres_server: str) -> Iterator[str]:
    url = create_database(postgres_server)
    try:
        run(_migrate(url))
        yield url
    finally:
        drop_database(postgres_server, url)


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def test_same_tables_and_columns_in_the_same_order(
    sqlite_schema: sqlite3.Connection, pg_schema: str
) -> None:
    pg_columns: dict[str, list[str]] = {}
    for row in run(
        _fetch(
            pg_schema,
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        )
    ):
        pg_columns.setdefault(row["table_name"], []).append(row["column_name"])
    sqlite_columns = {
        table: [row["name"] for row in sqlite_schema.execute(f"PRAGMA table_info({table})")]
        for table in sqlite_tables(sqlite_schema)
    }
    assert sorted(pg_columns) == sorted(sqlite_columns)
    assert pg_columns == sqlite_columns


def test_types_nullability_defaults_and_identity_follow_the_conventions(
    sqlite_schema: sqlite3.Connection, pg_schema: str
) -> None:
    pg = {
        (row["table_name"], row["column_name"]): row
        for row in run(
            _fetch(
                pg_schema,
                "SELECT table_name, column_name, data_type, is_nullable, column_default, "
                "is_identity, identity_generation FROM information_schema.columns "
                "WHERE table_schema = 'public'",
            )
        )
    }
    checked = 0
    for table in sqlite_tables(sqlite_schema):
        for col in sqlite_schema.execute(f"PRAGMA table_info({table})"):
            where = f"{table}.{col['name']}"
            theirs = pg[(table, col["name"])]
            assert theirs["data_type"] == expected_pg_type(col["type"], col["name"]), where
            if col["pk"] == 0:  # SQLite reports primary key columns as nullable
                assert (theirs["is_nullable"] == "NO") == bool(col["notnull"]), where
            if col["pk"] == 1 and col["name"] == "id":
                assert (theirs["is_identity"], theirs["identity_generation"]) == (
                    "YES",
                    "BY DEFAULT",
                ), where
            default = theirs["column_default"]
            if default is not None:
                default = {"true": "1", "false": "0"}.get(default, default)
                default = default.removesuffix("::text")
            assert default == col["dflt_value"], where
            checked += 1
    assert checked > 100


def test_same_keys_unique_sets_and_foreign_keys(
    sqlite_schema: sqlite3.Connection, pg_schema: str
) -> None:
    sqlite_unique: set[tuple[str, tuple[str, ...]]] = set()
    sqlite_fks: set[tuple[str, str, str, str]] = set()
    for table in sqlite_tables(sqlite_schema):
        for index in sqlite_schema.execute(f"PRAGMA index_list({table})"):
            if index["unique"]:
                columns = tuple(
                    row["name"] for row in sqlite_schema.execute(f"PRAGMA index_info({index[1]})")
                )
                sqlite_unique.add((table, columns))
        pk = tuple(
            row["name"]
            for row in sorted(
                sqlite_schema.execute(f"PRAGMA table_info({table})"), key=lambda r: r["pk"]
            )
            if row["pk"]
        )
        sqlite_unique.add((table, pk))
        for fk in sqlite_schema.execute(f"PRAGMA foreign_key_list({table})"):
            sqlite_fks.add((table, fk["from"], fk["table"], fk["on_delete"]))

    pg_unique = {
        (row["table"], tuple(row["columns"]))
        for row in run(
            _fetch(
                pg_schema,
                "SELECT t.relname AS table, ARRAY(SELECT a.attname FROM unnest(i.indkey) "
                "WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid "
                "AND a.attnum = k.attnum ORDER BY k.n) AS columns "
                "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                "JOIN pg_namespace s ON s.oid = t.relnamespace "
                "WHERE s.nspname = 'public' AND i.indisunique",
            )
        )
    }
    actions = {
        "a": "NO ACTION",
        "c": "CASCADE",
        "r": "RESTRICT",
        "n": "SET NULL",
        "d": "SET DEFAULT",
    }
    pg_fks = {
        (row["table"], row["column"], row["target"], actions[row["action"]])
        for row in run(
            _fetch(
                pg_schema,
                "SELECT c.conrelid::regclass::text AS table, a.attname AS column, "
                "c.confrelid::regclass::text AS target, c.confdeltype::text AS action "
                "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
                "AND a.attnum = c.conkey[1] WHERE c.contype = 'f'",
            )
        )
    }
    assert pg_unique == sqlite_unique
    assert pg_fks == sqlite_fks


def test_same_index_names_and_partial_conditions(
    sqlite_schema: sqlite3.Connection, pg_schema: str
) -> None:
    sqlite_indexes = {
        row["name"]: " WHERE " in row["sql"]
        for row in sqlite_schema.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    }
    pg_indexes = {
        row["indexname"]: " WHERE " in row["indexdef"]
        for row in run(
            _fetch(
                pg_schema,
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            )
        )
    }
    assert pg_indexes == sqlite_indexes


def test_same_triggers_on_the_same_tables(
    sqlite_schema: sqlite3.Connection, pg_schema: str
) -> None:
    """The per-day counts live on triggers: a table rebuilt on SQLite (DROP TABLE) loses them."""
    sqlite_triggers = {
        (row["name"], row["tbl_name"])
        for row in sqlite_schema.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    pg_triggers = {
        (row["tgname"], row["relname"])
        for row in run(
            _fetch(
                pg_schema,
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND NOT t.tgisinternal",
            )
        )
    }
    assert ("reward_recounted", "rewards") in pg_triggers
    assert sqlite_triggers == pg_triggers


def test_the_same_check_constraints_refuse_the_same_rows(pg_schema: str) -> None:
    async def refused(statement: str) -> bool:
        conn = await asyncpg.connect(pg_schema)
        try:
            async with conn.transaction():
                await conn.execute(statement)
                raise _Rollback
        except asyncpg.CheckViolationError:
            return True
        except _Rollback:
            return False
        finally:
            await conn.close()

    campaign = (
        "INSERT INTO campaigns (slug, name, shop_name, landing_url, referrer_reward_type, "
        "referrer_reward_value, friend_reward_type, friend_reward_value, created_at{extra}) "
        "VALUES ('s', 'n', 'shop', 'https://x.test', 'percent', '10', 'percent', '10', "
        "now(){values})"
    )
    assert not run(refused(campaign.format(extra="", values="")))
    assert run(refused(campaign.format(extra=", attribution_days", values=", 0")))
    assert run(refused(campaign.format(extra=", hold_days", values=", -1")))
    assert run(refused(campaign.format(extra=", friend_fulfilment", values=", 'mail'")))


class _Rollback(Exception):
    pass


DATA_BEFORE_0002 = """
INSERT INTO campaigns (id, slug, name, shop_name, landing_url, referrer_reward_type,
    referrer_reward_value, friend_reward_type, friend_reward_value, created_at)
VALUES (7, 'default', 'Default', 'Shop', 'https://shop.test', 'percent', '10', 'percent', '10',
    '2025-05-01 08:00:00.000000');
INSERT INTO advocates (id, campaign_id, email, email_key, name, code, created_at)
VALUES (3, 7, 'Anna@Example.com', 'anna@example.com', 'Anna Bakker', 'anna1',
    '2025-05-02 09:00:00.000000');
INSERT INTO clicks (id, advocate_id, token, channel, ip_hash, device, created_at) VALUES
    (1, 3, 't1', 'whatsapp', 'h1', 'mobile', '2025-06-01 23:30:00.000000'),
    (2, 3, 't2', 'whatsapp', 'h2', 'mobile', '2025-06-01 08:00:00.000000'),
    (3, 3, 't3', 'email', 'h1', 'bot', '2025-06-02 00:10:00.000000');
INSERT INTO events (campaign_id, advocate_id, type, channel, created_at) VALUES
    (7, 3, 'open', NULL, '2025-06-01 23:59:59.999999'),
    (7, 3, 'share', 'whatsapp', '2025-06-01 12:00:00.000000');
INSERT INTO orders (id, source, order_id, email, email_key, total_minor, currency, status,
    paid_at, refunded_at)
VALUES (1, 'standard', 'A-1', NULL, NULL, 5990, 'EUR', 'refunded', '2025-06-01 10:00:00.000000',
    '2025-06-03 10:00:00.000000');
"""

BACKFILLED = [
    ("SELECT id, campaign_id FROM clicks ORDER BY id", [(1, 7), (2, 7), (3, 7)]),
    ("SELECT refunded_minor FROM orders", [(5990,)]),
    ("SELECT search_name FROM advocates", [("anna bakker",)]),
    (
        "SELECT day, channel, device, n FROM click_days ORDER BY day, channel",
        [("2025-06-01", "whatsapp", "mobile", 2), ("2025-06-02", "email", "bot", 1)],
    ),
    (
        "SELECT day, type, channel, n FROM event_days ORDER BY day, type",
        [("2025-06-01", "open", "", 1), ("2025-06-01", "share", "whatsapp", 1)],
    ),
]


def test_backfills_of_existing_rows_agree_with_sqlite(tmp_path: Path, postgres_server: str) -> None:
    sqlite_path = tmp_path / "backfill.db"
    with sqlite3.connect(sqlite_path) as conn:
        files = migration_files("sqlite")
        conn.executescript(files[0][1])
        conn.executescript(DATA_BEFORE_0002)
        for _, sql in files[1:]:
            conn.executescript(sql)
        for sql, rows in BACKFILLED:
            assert [tuple(row) for row in conn.execute(sql)] == rows, sql
    conn.close()

    async def backfill(url: str) -> list[list[tuple[object, ...]]]:
        conn = await asyncpg.connect(url)
        try:
            # Rows written in UTC, migrated in a session far east of it: the days stay UTC days.
            await conn.execute("SET TIME ZONE 'UTC'")
            files = migration_files("postgresql")
            await conn.execute(files[0][1])
            await conn.execute(DATA_BEFORE_0002)
            await conn.execute("SET TIME ZONE 'Pacific/Auckland'")
            for _, sql in files[1:]:
                async with conn.transaction():
                    await conn.execute(sql)
            return [
                [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows]
                for rows in [await conn.fetch(sql) for sql, _ in BACKFILLED]
            ]
        finally:
            await conn.close()

    url = create_database(postgres_server)
    try:
        results = run(backfill(url))
    finally:
        drop_database(postgres_server, url)
    assert results == [rows for _, rows in BACKFILLED]
