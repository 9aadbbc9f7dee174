"""The claim every durable queue shares (webhook deliveries, e-mails): due rows nobody holds a live
lease on become one worker's until the lease ends, so N processes on M machines never send one
twice at once (SKIP LOCKED on PostgreSQL, the single writer on SQLite)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shareback.storage.database import Connection, Dialect

FREE = (
    "{0}status = 'pending' AND {0}next_attempt_at <= ? "
    "AND ({0}lease_until IS NULL OR {0}lease_until < ?)"
)


async def claim_due(
    db: Connection,
    dialect: Dialect,
    table: str,
    worker: str,
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[int]:
    """The ids of up to limit due rows of table, now leased to worker, oldest due first.

    The pick is a materialised CTE, computed once: as an `id IN (subquery)` PostgreSQL may rescan
    it for every row it updates, each rescan skipping the rows just leased, and so lease every due
    row whatever the limit. The condition again outside: rows a concurrent claimer took meanwhile
    are skipped (PostgreSQL) or no longer free when this UPDATE reads them."""
    claimed = await db.fetch(
        f"WITH picked AS MATERIALIZED (SELECT q.id FROM {table} q WHERE {FREE.format('q.')} "
        f"ORDER BY q.next_attempt_at, q.id LIMIT ?{dialect.lock_rows('q')}) "
        f"UPDATE {table} SET lease_until = ?, leased_by = ? WHERE {FREE.format('')} "
        "AND id IN (SELECT id FROM picked) RETURNING id",
        (now, now, limit, now + lease, worker, now, now),
    )
    return [row[0] for row in claimed]
