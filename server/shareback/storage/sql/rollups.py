"""The daily rollups (click_days, event_days, visit_days, visit_day_counts, advocate_click_days,
and migration 0033's daily counts, storage/sql/daily_counts.py) as a whole: rebuilt from the raw
rows in the shop's zone (a shop that changes SHAREBACK_TIMEZONE, `shareback db rebuild-rollups`),
and the raw clicks they make unnecessary deleted by the retention setting
(SHAREBACK_CLICK_RETENTION_DAYS).

store_meta (migration 0020) remembers two things:
- rollup_zone: the zone the rollups' days are cut in (absent: UTC, as migration 0009 cut them);
- rollups_exact_from: a shop midnight (UTC moment) from which every rollup day is exactly its raw
  rows. Raw clicks before it may be gone (retention) or already counted in a day that also holds
  deleted ones: a rebuild recounts from it onwards and leaves the days before it as they are.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shareback import retention, shop_days
from shareback.storage.database import Connection, db_time
from shareback.storage.records import RolledUp, RollupRebuild
from shareback.storage.sql import daily_counts
from shareback.storage.sql.base import SqlBase

log = logging.getLogger(__name__)

ROLLUPS_LOCK = "rollups"
ZONE = "rollup_zone"
EXACT_FROM = "rollups_exact_from"
# Raw clicks go in slices of this many per statement: a long delete would hold SQLite's writer.
DELETE_SLICE = 5000


async def _meta(db: Connection) -> dict[str, str]:
    return {
        str(row[0]): str(row[1]) for row in await db.fetch("SELECT name, value FROM store_meta")
    }


async def _set_meta(db: Connection, name: str, value: str) -> None:
    await db.execute(
        "INSERT INTO store_meta (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )


def _exact_from(meta: dict[str, str]) -> datetime | None:
    return db_time(meta[EXACT_FROM]) if EXACT_FROM in meta else None


async def _span(db: Connection, table: str, since: datetime | None) -> tuple[datetime, datetime]:
    """The [first, last] times of the table's rows from `since`, for the zone's stretches."""
    row = await db.fetchrow(
        f"SELECT MIN(created_at), MAX(created_at) FROM {table} WHERE created_at >= ?",
        (since or datetime(1970, 1, 1, tzinfo=shop_days.UTC_ZONE),),
    )
    now = datetime.now(shop_days.UTC_ZONE)
    if row is None or row[0] is None:
        return now, now + timedelta(seconds=1)
    return db_time(row[0]), db_time(row[1]) + timedelta(seconds=1)


class RollupQueries(SqlBase):
    async def rollups_zone(self) -> str:
        row = await self._one("SELECT value FROM store_meta WHERE name = ?", (ZONE,))
        return str(row[0]) if row else "UTC"

    async def ensure_rollups_zone(self) -> RollupRebuild | None:
        if await self.rollups_zone() == shop_days.zone_name(self.zone):
            await self._ensure_daily_counts_zone()
            return None
        return await self._rebuild(only_if_other_zone=True)

    async def _ensure_daily_counts_zone(self) -> None:
        """Migration 0033 counted in UTC days (daily_counts_zone absent): a shop in another zone
        recounts them once."""
        name = shop_days.zone_name(self.zone)
        row = await self._one("SELECT value FROM store_meta WHERE name = ?", (daily_counts.ZONE,))
        if (str(row[0]) if row else "UTC") == name:
            return
        async with self._transaction() as db:
            await db.lock(ROLLUPS_LOCK)
            row = await db.fetchrow(
                "SELECT value FROM store_meta WHERE name = ?", (daily_counts.ZONE,)
            )
            if (str(row[0]) if row else "UTC") != name:  # not done meanwhile by another process
                await daily_counts.rebuild_daily_counts(db, self.zone)
                log.info(
                    "daily counts of shares, advocates, orders and referrals rebuilt in %s", name
                )

    async def rebuild_rollups(self) -> RollupRebuild:
        done = await self._rebuild(only_if_other_zone=False)
        assert done is not None
        return done

    async def _rebuild(self, only_if_other_zone: bool) -> RollupRebuild | None:
        zone = self.zone
        async with self._transaction() as db:
            await db.lock(ROLLUPS_LOCK)
            meta = await _meta(db)
            previous = meta.get(ZONE, "UTC")
            if only_if_other_zone and previous == shop_days.zone_name(zone):
                return None  # another process rebuilt them meanwhile
            since = _exact_from(meta)
            old_zone = ZoneInfo(previous)
            if since is None:
                for table in ("click_days", "visit_days", "advocate_click_days"):
                    await db.execute(f"DELETE FROM {table}")
            else:
                first_exact = shop_days.local_day(since, old_zone)
                for table in ("click_days", "visit_days", "advocate_click_days"):
                    await db.execute(f"DELETE FROM {table} WHERE day >= ?", (first_exact,))
            # Retention never deletes widget events: their days are all recounted.
            await db.execute("DELETE FROM event_days")
            start, end = await _span(db, "events", None)
            day = self.dialect.shop_day("created_at", shop_days.stretches(start, end, zone))
            await db.execute(
                "INSERT INTO event_days (campaign_id, day, type, channel, n) "
                f"SELECT campaign_id, {day}, type, COALESCE(channel, ''), COUNT(*) FROM events "
                "WHERE campaign_id IS NOT NULL GROUP BY 1, 2, 3, 4"
            )
            events = await db.fetchrow("SELECT COUNT(*) FROM events")

            start, end = await _span(db, "clicks", since)
            day = self.dialect.shop_day("created_at", shop_days.stretches(start, end, zone))
            after = (since or start,)
            # A day before `since` in the new zone may already hold counts (rows since deleted):
            # the recounted rows add to it.
            await db.execute(
                "INSERT INTO click_days (campaign_id, day, channel, device, n) "
                f"SELECT campaign_id, {day}, channel, device, COUNT(*) FROM clicks "
                "WHERE campaign_id IS NOT NULL AND created_at >= ? GROUP BY 1, 2, 3, 4 "
                "ON CONFLICT (campaign_id, day, channel, device) "
                "DO UPDATE SET n = click_days.n + excluded.n",
                after,
            )
            await db.execute(
                "INSERT INTO visit_days (campaign_id, day, ip_hash) "
                f"SELECT DISTINCT campaign_id, {day}, ip_hash FROM clicks "
                "WHERE campaign_id IS NOT NULL AND device <> 'bot' AND created_at >= ? "
                "ON CONFLICT (campaign_id, day, ip_hash) DO NOTHING",
                after,
            )
            await db.execute(
                "INSERT INTO advocate_click_days (advocate_id, day, n) "
                f"SELECT advocate_id, {day}, COUNT(*) FROM clicks "
                "WHERE device <> 'bot' AND created_at >= ? GROUP BY 1, 2 "
                "ON CONFLICT (advocate_id, day) DO UPDATE SET n = advocate_click_days.n + excluded.n",
                after,
            )
            # visit_days is never deleted by retention: every day's count is its rows'.
            await db.execute("DELETE FROM visit_day_counts")
            await db.execute(
                "INSERT INTO visit_day_counts (campaign_id, day, n) "
                "SELECT campaign_id, day, COUNT(*) FROM visit_days GROUP BY 1, 2"
            )
            clicks = await db.fetchrow("SELECT COUNT(*) FROM clicks WHERE created_at >= ?", after)
            # Shares, advocates, orders and referrals are never deleted: all of their days recounted.
            await daily_counts.rebuild_daily_counts(db, zone)
            await _set_meta(db, ZONE, shop_days.zone_name(zone))
            if since is not None:
                # The new zone's first midnight at or after it: days from there are exact again.
                boundary = shop_days.day_start(shop_days.local_day(since, zone), zone)
                if boundary < since:
                    boundary = shop_days.day_end(shop_days.local_day(since, zone), zone)
                await _set_meta(db, EXACT_FROM, boundary.isoformat())
        assert events is not None and clicks is not None
        return RollupRebuild(
            zone=shop_days.zone_name(zone),
            previous_zone=previous,
            recounted_from=since,
            clicks=int(clicks[0]),
            events=int(events[0]),
        )

    async def delete_rolled_up_clicks(self, keep_days: int, now: datetime) -> RolledUp:
        if keep_days <= 0:
            return RolledUp(None, 0)
        async with self._transaction() as db:
            await db.lock(ROLLUPS_LOCK)
            meta = await _meta(db)
            if meta.get(ZONE, "UTC") != shop_days.zone_name(self.zone):
                return RolledUp(None, 0)  # the rollups are not cut in this zone yet: rebuild first
            windows = [
                int(row[0])
                for row in await db.fetch(
                    "SELECT attribution_days FROM campaigns WHERE archived_at IS NULL"
                )
            ]
            today = shop_days.local_day(now, self.zone)
            before = shop_days.day_start(
                retention.oldest_click_day(today, keep_days, windows), self.zone
            )
            exact_from = _exact_from(meta)
            if exact_from is None or exact_from < before:
                await _set_meta(db, EXACT_FROM, before.isoformat())
            campaigns = [int(row[0]) for row in await db.fetch("SELECT id FROM campaigns")]
        # Clicks a referral points to stay (the referral keeps its click); the rest go, a slice
        # per transaction (SQLite's one writer is never held long), read along each campaign's
        # day index (migration 0005).
        old = (
            "SELECT k.id FROM clicks k WHERE k.campaign_id = ? AND "
            f"{self.dialect.day('k.created_at')} <= ? AND k.created_at < ? AND NOT EXISTS "
            "(SELECT 1 FROM referrals r WHERE r.click_id = k.id) LIMIT ?"
        )
        last_day = before.astimezone(shop_days.UTC_ZONE).date()
        deleted = 0
        for campaign_id in campaigns:
            while True:
                async with self._transaction() as db:
                    ids = [
                        int(row[0])
                        for row in await db.fetch(
                            old, (campaign_id, last_day, before, DELETE_SLICE)
                        )
                    ]
                    if ids:
                        deleted += await db.execute(
                            "DELETE FROM clicks WHERE id IN (" + ", ".join("?" * len(ids)) + ")",
                            ids,
                        )
                if len(ids) < DELETE_SLICE:
                    break
        return RolledUp(before, deleted)
