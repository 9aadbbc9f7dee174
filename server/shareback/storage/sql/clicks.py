"""Referral clicks, written in batches: one transaction and a handful of statements for all the
clicks that arrived while the previous batch committed (storage/group_commit.py).

A click's rate limit (the per-address click limit, records.ClickLimit) is counted in the same
transaction: one UPSERT for the batch's addresses, and each click learns from it whether it is
within the limit. So a click costs no transaction of its own for its limit, the count is as
shared across processes as the clicks are, and a click is counted under its limit exactly when
it is stored."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar

from shareback import shop_days
from shareback.ratelimit import estimate
from shareback.storage.database import Connection, db_day, from_db_time
from shareback.storage.records import Hits, NewClick, RateCount
from shareback.storage.sql.shared import count_hits_in

T = TypeVar("T")


def padded(values: list[T]) -> list[T]:
    """The list lengthened to a power of two with its last value: the statements built from it
    come in a few shapes only, so PostgreSQL's prepared statements (asyncpg keeps 100 per
    connection) are reused rather than one made for every batch size."""
    size = 1
    while size < len(values):
        size *= 2
    return values + values[-1:] * (size - len(values))


# Visitor-days per INSERT statement (3 parameters each: far below either engine's limit).
VISITS_PER_STATEMENT = 512


async def count_new_visits(db: Connection, visits: list[tuple[int | None, date, str]]) -> None:
    """Each visitor-day once in visit_days, and the day's count in visit_day_counts raised by the
    ones that were new (RETURNING gives only the rows inserted: exact with concurrent batches on
    PostgreSQL, where a conflicting insert waits for the other transaction). The visitors of a
    range are then a sum over its days' counts (migration 0021)."""
    new: Counter[tuple[int, date]] = Counter()
    for offset in range(0, len(visits), VISITS_PER_STATEMENT):
        chunk = padded(visits[offset : offset + VISITS_PER_STATEMENT])
        rows = await db.fetch(
            "INSERT INTO visit_days (campaign_id, day, ip_hash) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(chunk))
            + " ON CONFLICT (campaign_id, day, ip_hash) DO NOTHING RETURNING campaign_id, day",
            [value for visit in chunk for value in visit],
        )
        new.update((int(row[0]), db_day(row[1])) for row in rows)
    if new:
        await db.executemany(
            "INSERT INTO visit_day_counts (campaign_id, day, n) VALUES (?, ?, ?) "
            "ON CONFLICT (campaign_id, day) DO UPDATE SET n = visit_day_counts.n + excluded.n",
            [(*key, n) for key, n in sorted(new.items())],
        )


def rollup_order(item: tuple[tuple[int | None, date, str, str], int]) -> tuple[Any, ...]:
    """One order of the rollup rows in every batch (no deadlocks between concurrent batches on
    PostgreSQL); a click whose advocate names no campaign sorts first."""
    campaign, day, channel, device = item[0]
    return (campaign or 0, day, channel, device)


async def within_limits(db: Connection, clicks: Sequence[NewClick]) -> list[NewClick]:
    """The clicks, each counted as a hit under its limit, in batch order (the k-th click of an
    address sees the count as it stood after the first k, as one after the other would); a
    click past its limit is uncounted."""
    keys: dict[tuple[str, str, int], list[int]] = {}
    for i, c in enumerate(clicks):
        if c.limit is not None:
            keys.setdefault((c.limit.name, c.limit.key, c.limit.window_seconds), []).append(i)
    if not keys:
        return list(clicks)
    hits = [
        Hits(name, key, max(int(clicks[i].at.timestamp()) for i in at), seconds, len(at))
        for (name, key, seconds), at in keys.items()
    ]
    after = {(c.name, c.key): c for c in await count_hits_in(db, hits)}
    judged = list(clicks)
    for (name, key, seconds), at in keys.items():
        count = after[(name, key)]
        before = count.hits - len(at)
        for i in at:
            before += 1
            click = clicks[i]
            assert click.limit is not None
            seen = RateCount(name, key, count.window_start, before, count.prev_hits)
            within = estimate(seen, click.at.timestamp(), seconds) <= click.limit.limit
            if click.counted and not within:
                judged[i] = dataclasses.replace(click, counted=False)
    return judged


async def write_clicks(db: Connection, batch: Sequence[NewClick], zone: tzinfo) -> list[str]:
    """Each click's token, as record_click would have answered them one after the other: one
    visitor's clicks on one link count once a shop day, later ones get the day's first token;
    uncounted clicks (given so, or past their limit) are kept apart."""

    # Each click's shop day and the day's first moment, worked out once for the batch.
    days_of: dict[datetime, date] = {}
    starts: dict[date, datetime] = {}

    def day(at: datetime) -> date:
        known = days_of.get(at)
        if known is None:
            known = days_of[at] = shop_days.local_day(at, zone)
        return known

    def day_start(at: datetime) -> datetime:
        on = day(at)
        start = starts.get(on)
        if start is None:
            start = starts[on] = shop_days.day_start(on, zone)
        return start

    # The limits first: their rows are locked before the visits' (one order in every batch).
    clicks = await within_limits(db, batch)
    tokens: list[str | None] = [None] * len(clicks)
    uncounted = [(i, c) for i, c in enumerate(clicks) if not c.counted]
    if uncounted:
        await db.executemany(
            "INSERT INTO uncounted_clicks (advocate_id, token, ip_hash, device, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(c.advocate_id, c.token, c.ip_hash, c.device, c.at) for _, c in uncounted],
        )
        for i, c in uncounted:
            tokens[i] = c.token
    # Earlier clicks today of the same visitor on the same link, under each pair's lock (other
    # processes' batches on PostgreSQL), in one statement.
    pairs = padded(sorted({(c.advocate_id, c.visitor) for c in clicks if c.counted and c.visitor}))
    first: dict[tuple[int, str], tuple[str, datetime]] = {}
    if pairs:
        await db.lock_all([f"visit:{advocate_id}:{visitor}" for advocate_id, visitor in pairs])
        since = min(day_start(c.at) for c in clicks)
        rows = await db.fetch(
            "SELECT advocate_id, visitor, token, created_at FROM clicks WHERE created_at >= ? "
            "AND (" + " OR ".join(["(advocate_id = ? AND visitor = ?)"] * len(pairs)) + ") "
            "ORDER BY id",
            (since, *(value for pair in pairs for value in pair)),
        )
        for row in rows:
            at = from_db_time(row["created_at"])
            assert at is not None
            first.setdefault((row["advocate_id"], row["visitor"]), (str(row["token"]), at))
    new: list[NewClick] = []
    for i, c in enumerate(clicks):
        if not c.counted:
            continue
        if c.visitor is not None:
            earlier = first.get((c.advocate_id, c.visitor))
            if earlier is not None and earlier[1] >= day_start(c.at):
                tokens[i] = earlier[0]
                continue
            first[(c.advocate_id, c.visitor)] = (c.token, c.at)
        new.append(c)
        tokens[i] = c.token
    if new:
        ids = padded(sorted({c.advocate_id for c in new}))
        campaign_of = {
            row[0]: row[1]
            for row in await db.fetch(
                "SELECT id, campaign_id FROM advocates WHERE id IN ("
                + ", ".join("?" * len(ids))
                + ")",
                ids,
            )
        }
        await db.executemany(
            "INSERT INTO clicks (advocate_id, campaign_id, token, channel, ip_hash, device, "
            "created_at, visitor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.advocate_id,
                    campaign_of.get(c.advocate_id),
                    c.token,
                    c.channel,
                    c.ip_hash,
                    c.device,
                    c.at,
                    c.visitor,
                )
                for c in new
            ],
        )
        # The daily rollup the owner's views read (migration 0009), in the same transaction, its
        # rows in one order in every batch (concurrent batches on PostgreSQL never deadlock).
        # Keyed by the shop's day (shop_days.py).
        days = Counter(
            (campaign_of.get(c.advocate_id), day(c.at), c.channel, c.device) for c in new
        )
        await db.executemany(
            "INSERT INTO click_days (campaign_id, day, channel, device, n) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (campaign_id, day, channel, device) "
            "DO UPDATE SET n = click_days.n + excluded.n",
            [(*key, n) for key, n in sorted(days.items(), key=rollup_order)],
        )
        # Visitor-days (migration 0020): the unique-visitor count reads these, not the clicks.
        humans = [c for c in new if c.device != "bot"]
        visits = sorted(
            {(campaign_of.get(c.advocate_id), day(c.at), c.ip_hash) for c in humans},
            key=lambda row: (row[0] or 0, *row[1:]),
        )
        await count_new_visits(db, visits)
        clicked = Counter((c.advocate_id, day(c.at)) for c in humans)
        if clicked:
            await db.executemany(
                "INSERT INTO advocate_click_days (advocate_id, day, n) VALUES (?, ?, ?) "
                "ON CONFLICT (advocate_id, day) DO UPDATE SET n = advocate_click_days.n + excluded.n",
                [(*key, n) for key, n in sorted(clicked.items())],
            )
    assert all(token is not None for token in tokens)
    return [token for token in tokens if token is not None]
