"""The tests' own database helpers: one SQL with `?` reads the same values from SQLite and
PostgreSQL, and emptying the run's PostgreSQL database leaves it as a fresh one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import asyncpg
import databases
import pytest
from shareback.settings import Settings
from shareback.storage.migrate import migration_files
from support import count, db_execute, db_rows


def test_placeholders_are_numbered_outside_quoted_strings_and_names() -> None:
    sql = "SELECT '?', \"a?\" FROM t WHERE x = ? AND y = 'it''s ?' AND z IN (?, ?)"
    assert databases.numbered(sql) == (
        "SELECT '?', \"a?\" FROM t WHERE x = $1 AND y = 'it''s ?' AND z IN ($2, $3)"
    )


def test_rows_read_by_position_by_name_and_as_a_dict(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rows.db'}"
    databases.execute(url, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    assert databases.execute(url, "INSERT INTO t (name) VALUES (?), (?)", ("a", "b")) == 2
    first = databases.rows(url, "SELECT id, name FROM t ORDER BY id")[0]
    assert (first[0], first["name"], dict(first), tuple(first)) == (
        1,
        "a",
        {"id": 1, "name": "a"},
        (1, "a"),
    )
    with pytest.raises(IndexError):
        first["missing"]


def migrate_sqlite(url: str) -> None:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        for _, sql in migration_files("sqlite"):
            conn.executescript(sql)
    conn.close()


async def _migrate_postgres(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        for _, sql in migration_files("postgresql"):
            async with conn.transaction():
                await conn.execute(sql)
    finally:
        await conn.close()


CAMPAIGN = (
    "INSERT INTO campaigns (slug, name, shop_name, landing_url, referrer_reward_type, "
    "referrer_reward_value, friend_reward_type, friend_reward_value, new_customers_only, "
    "created_at, starts_at) VALUES (?, 'Summer', 'Shop', 'https://shop.test', 'percent', '10', "
    "'percent', '10', ?, ?, ?)"
)
READ = (
    "SELECT c.id, c.slug, c.new_customers_only, c.created_at, c.starts_at, c.archived_at, "
    "d.day, SUM(d.n) AS n, c.slug = 'a' AS is_a FROM campaigns c "
    "JOIN click_days d ON d.campaign_id = c.id WHERE c.new_customers_only = ? "
    "GROUP BY c.id, c.slug, c.new_customers_only, c.created_at, c.starts_at, c.archived_at, d.day "
    "ORDER BY c.id"
)


def fill(settings: Settings) -> list[databases.Row]:
    db_execute(settings, CAMPAIGN, ("a", 1, "2025-06-01 09:30:00.000000", None))
    db_execute(
        settings, CAMPAIGN, ("b", 0, "2025-06-02 00:00:00.123456", "2025-06-03 23:59:59.500000")
    )
    for campaign in (1, 2):
        db_execute(
            settings,
            "INSERT INTO click_days (campaign_id, day, channel, device, n) VALUES (?, ?, ?, ?, ?)",
            (campaign, "2025-06-01", "email", "mobile", 5),
        )
    return db_rows(settings, READ, (1,)) + db_rows(settings, READ, (0,))


@pytest.mark.postgres
def test_the_same_sql_reads_the_same_values_on_both_backends(
    tmp_path: Path, fresh_database_url: Callable[[], str]
) -> None:
    on_sqlite = Settings(database_url=f"sqlite:///{tmp_path / 'same.db'}")
    migrate_sqlite(on_sqlite.database_url)
    on_postgres = Settings(database_url=fresh_database_url())
    databases.run(_migrate_postgres(on_postgres.database_url))

    expected = fill(on_sqlite)
    # SQLite keeps what it was given: the times as the app writes them, 0/1 flags.
    assert [dict(row) for row in expected] == [
        {
            "id": 1,
            "slug": "a",
            "new_customers_only": 1,
            "created_at": "2025-06-01 09:30:00.000000",
            "starts_at": None,
            "archived_at": None,
            "day": "2025-06-01",
            "n": 5,
            "is_a": 1,
        },
        {
            "id": 2,
            "slug": "b",
            "new_customers_only": 0,
            "created_at": "2025-06-02 00:00:00.123456",
            "starts_at": "2025-06-03 23:59:59.500000",
            "archived_at": None,
            "day": "2025-06-01",
            "n": 5,
            "is_a": 0,
        },
    ]
    # PostgreSQL's timestamptz, date, boolean and numeric come back as those same values.
    assert fill(on_postgres) == expected


@pytest.mark.postgres
def test_each_test_starts_on_an_emptied_database_with_ids_from_one(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    databases.truncate_all(url)  # no tables yet: nothing to do
    databases.run(_migrate_postgres(url))
    settings = Settings(database_url=url)
    db_execute(settings, "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)")
    db_execute(settings, "INSERT INTO schema_migrations (name) VALUES (?)", ("0001_referral_loop",))
    fill(settings)
    databases.truncate_all(url)
    assert count(settings, "campaigns") == 0 and count(settings, "click_days") == 0
    assert count(settings, "schema_migrations") == 1
    fill(settings)
    assert [row[0] for row in db_rows(settings, "SELECT id FROM campaigns ORDER BY id")] == [1, 2]


@pytest.mark.postgres
def test_the_session_drops_what_it_made(postgres_server: str) -> None:
    made = databases.PostgresDatabases(postgres_server)
    first, second = made.shared(), made.fresh()
    assert made.shared() == first and first != second
    names = {row[0] for row in databases.rows(postgres_server, "SELECT datname FROM pg_database")}
    assert {first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]} <= names
    made.drop_all()
    after = {row[0] for row in databases.rows(postgres_server, "SELECT datname FROM pg_database")}
    assert not {first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]} & after
