"""What several processes share in SQL: rate-limit counters (one UPSERT … RETURNING per round of
hits) and the leases of the loops one process at a time may run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shareback.storage.database import Connection, Row
from shareback.storage.records import Hits, RateCount
from shareback.storage.sql.base import SqlBase

# Rows per statement: few enough distinct statements for asyncpg's cache of prepared ones (100)
# and for SQLite's 32,766 parameters, many enough for a burst. Statements come in powers of two
# of rows (a round of 45 keys is 32 + 8 + 4 + 1), so there are seven shapes of it in all.
MAX_ROWS = 64

# A key's windows follow each other from its first hit. The hit falls in the stored window (or
# before it: a host whose clock is behind adds to the newest one): add. In the next one: that
# window starts, the stored count becomes the previous one. Later: a window of its own begins.
SAME = "excluded.window_start < rate_counters.window_start + excluded.window_seconds"
NEXT = "excluded.window_start < rate_counters.window_start + 2 * excluded.window_seconds"
COUNT_HITS = (
    "INSERT INTO rate_counters (name, key, window_start, window_seconds, hits, prev_hits) "
    "VALUES {values} ON CONFLICT (name, key) DO UPDATE SET "
    f"prev_hits = CASE WHEN {SAME} THEN rate_counters.prev_hits "
    f"WHEN {NEXT} THEN rate_counters.hits ELSE 0 END, "
    f"hits = CASE WHEN {SAME} THEN rate_counters.hits + excluded.hits ELSE excluded.hits END, "
    f"window_start = CASE WHEN {SAME} THEN rate_counters.window_start "
    f"WHEN {NEXT} THEN rate_counters.window_start + excluded.window_seconds "
    "ELSE excluded.window_start END, window_seconds = excluded.window_seconds "
    "RETURNING name, key, window_start, hits, prev_hits"
)


def _count(row: Row) -> RateCount:
    return RateCount(
        name=row["name"],
        key=row["key"],
        window_start=int(row["window_start"]),
        hits=int(row["hits"]),
        prev_hits=int(row["prev_hits"]),
    )


def chunks(hits: list[Hits]) -> list[list[Hits]]:
    """The hits in runs of 64, 32, 16, … 1 rows (see MAX_ROWS)."""
    out = []
    start = 0
    while start < len(hits):
        size = MAX_ROWS
        while size > len(hits) - start:
            size //= 2
        out.append(hits[start : start + size])
        start += size
    return out


async def count_hits_in(db: Connection, hits: Sequence[Hits]) -> list[RateCount]:
    """Counts the hits (one per key: the caller adds up a key's hits) inside the transaction
    `db` is in; each key's count as it stands after them."""
    # Sorted: concurrent rounds on several machines lock the rows in one order (no deadlock).
    ordered = sorted(hits, key=lambda h: (h.name, h.key))
    counted: list[RateCount] = []
    for chunk in chunks(ordered):
        sql = COUNT_HITS.format(values=", ".join(["(?, ?, ?, ?, ?, 0)"] * len(chunk)))
        params = [value for h in chunk for value in (h.name, h.key, h.at, h.window_seconds, h.hits)]
        counted += [_count(row) for row in await db.fetch(sql, params)]
    return counted


class SharedStateQueries(SqlBase):
    async def count_hits(self, hits: Sequence[Hits]) -> list[RateCount]:
        ordered = sorted(hits, key=lambda h: (h.name, h.key))
        counted: list[RateCount] = []
        for chunk in chunks(ordered):
            # Each chunk its own statement and transaction (no BEGIN/COMMIT on PostgreSQL).
            async with self._db.single_write() as db:
                counted += await count_hits_in(db, chunk)
        return counted

    async def busy_counts(
        self, name: str, now: int, window_seconds: int, limit: int
    ) -> list[RateCount]:
        # Counts whose window or the one after it is still running, with hits enough for the
        # limit (the caller weighs the previous window's share exactly).
        rows = await self._all(
            "SELECT name, key, window_start, hits, prev_hits FROM rate_counters WHERE name = ? "
            "AND window_start > ? AND hits + prev_hits >= ? LIMIT 10000",
            (name, now - 2 * window_seconds, limit),
        )
        return [_count(row) for row in rows]

    async def take_lease(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        async with self._db.single_write() as db:
            row = await db.fetchrow(
                "INSERT INTO leases (name, holder, lease_until) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "lease_until = excluded.lease_until "
                "WHERE leases.holder = excluded.holder OR leases.lease_until < ? RETURNING holder",
                (name, holder, until, now),
            )
        return row is not None

    async def release_lease(self, name: str, holder: str) -> None:
        async with self._db.single_write() as db:
            await db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
