"""`shareback db copy`: every row of one database into another, for a shop moving from SQLite to
PostgreSQL (or back). Secrets travel too, so every link already shared keeps working, and ids are
kept, so every number and cursor the owner saw stays the same."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shareback.storage import open_database
from shareback.storage.database import Connection, Database, db_day, from_db_time
from shareback.storage.migrate import migration_files

# Every table the migrations create, parents before children (the foreign keys' order).
TABLES = (
    "secrets",
    "campaigns",
    "advocates",
    "advocate_links",
    "clicks",
    "events",
    "webhook_messages",
    "orders",
    "referrals",
    "rewards",
    "admin_users",
    "admin_sessions",
    "login_failures",
    "api_keys",
    "admin_recovery_codes",
    "reward_changes",
    "order_refunds",
    "webhook_endpoints",
    "outbox",
    "deliveries",
    "delivery_attempts",
    "friend_codes",
    "clawbacks",
    "click_days",
    "event_days",
    "visit_days",
    "visit_day_counts",
    "advocate_click_days",
    "store_meta",
    "ip_salts",
    "pending_adjustments",
    "fraud_rules",
    "fraud_decisions",
    "uncounted_clicks",
    "rate_counters",
    "leases",
    "mail_settings",
    "mail_templates",
    "mail_contacts",
    "mail_suppressions",
    "mail_messages",
    "mail_attempts",
    "payout_accounts",
    "payout_batches",
    "payout_items",
    "credit_entries",
    "reward_codes",
    "widget_sightings",
    "experiments",
    "experiment_variants",
    "experiment_exposures",
    "experiment_changes",
    "campaign_copy",
    "milestone_awards",
)
BATCH = 5000


class CopyError(Exception):
    """The copy cannot start: a schema behind, or a target that already holds data."""


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


async def _columns(conn: Connection, table: str) -> dict[str, str]:
    """Column name → declared type, in the table's order."""
    if conn.dialect.name == "sqlite":
        rows = await conn.fetch(f"PRAGMA table_info({table})")
        return {row["name"]: str(row["type"]).lower() for row in rows}
    rows = await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return {row[0]: str(row[1]).lower() for row in rows}


def _converter(target_type: str) -> Callable[[Any], Any]:
    """A value as the target column takes it. SQLite keeps times as text and flags as 0/1; the
    SQLite engine already writes datetimes and dates as its text, so only PostgreSQL needs this."""
    if target_type.startswith("timestamp"):
        return from_db_time
    if target_type == "date":
        return lambda value: None if value is None else db_day(value)
    if target_type == "boolean":
        return lambda value: None if value is None else bool(value)
    if target_type in ("bigint", "integer", "smallint"):
        return lambda value: None if value is None else int(value)
    return lambda value: value


async def _pending(db: Database) -> list[str]:
    async with db.reading() as conn:
        if not await _columns(conn, "schema_migrations"):
            raise CopyError("the source is not a Shareback database (it has no schema_migrations)")
        done = {row[0] for row in await conn.fetch("SELECT name FROM schema_migrations")}
    return [name for name, _ in migration_files(db.dialect.name) if name not in done]


async def _rows_in(conn: Connection, table: str) -> int:
    row = await conn.fetchrow(f"SELECT COUNT(*) FROM {table}")
    return int(row[0]) if row else 0


async def _copy_table(source: Database, target: Connection, table: str) -> int:
    async with source.reading() as conn:
        source_columns = list(await _columns(conn, table))
    target_columns = await _columns(target, table)
    missing = [column for column in source_columns if column not in target_columns]
    if missing:
        raise CopyError(f"{table}: the target has no column {', '.join(missing)}")
    convert = [_converter(target_columns[column]) for column in source_columns]
    names = ", ".join(source_columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(source_columns))})"
    keyed = "id" in source_columns
    order = "id" if keyed else ", ".join(source_columns)
    copied, last_id, offset = 0, 0, 0
    while True:
        # Keyset pages where there is an id (a million clicks stay cheap), else offsets.
        page = (
            f"SELECT {names} FROM {table} WHERE id > ? ORDER BY id LIMIT {BATCH}"
            if keyed
            else f"SELECT {names} FROM {table} ORDER BY {order} LIMIT {BATCH} OFFSET {offset}"
        )
        async with source.reading() as conn:
            rows = await conn.fetch(page, (last_id,) if keyed else ())
        if not rows:
            return copied
        batch: list[Sequence[Any]] = [
            [fix(row[i]) for i, fix in enumerate(convert)] for row in rows
        ]
        await target.executemany(insert, batch)
        copied += len(rows)
        offset += len(rows)
        if keyed:
            last_id = int(rows[-1]["id"])


async def _restart_identities(target: Connection) -> None:
    """PostgreSQL's identity columns go on after the highest id copied (SQLite's do by themselves)."""
    if target.dialect.name != "postgresql":
        return
    for table in TABLES:
        if "id" in await _columns(target, table):
            await target.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )


async def copy_database(source_url: str, target_url: str) -> list[Copied]:
    """Copies everything in one transaction on the target: all of it lands, or nothing does."""
    if source_url == target_url:
        raise CopyError("the source and the target are the same database")
    source = await open_database(source_url)
    target = await open_database(target_url)
    try:
        behind = await _pending(source)
        if behind:
            raise CopyError(
                f"the source database lacks migrations {', '.join(behind)}: "
                "run `shareback migrate` against it first (with the version that wrote it)"
            )
        await target.migrate()
        report: list[Copied] = []
        async with target.transaction() as conn:
            for table in TABLES:
                if await _rows_in(conn, table):
                    raise CopyError(
                        f"the target already holds data (table {table}): copy into an empty database"
                    )
            for table in TABLES:
                report.append(Copied(table, await _copy_table(source, conn, table)))
            await _restart_identities(conn)
        return report
    finally:
        await source.close()
        await target.close()
