"""Privacy in SQL: the daily click-IP salts, forgetting what has expired, GDPR export and erasure."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from shareback import retention, shop_days
from shareback.storage.records import Forgotten
from shareback.storage.sql.base import SqlBase


class PrivacyQueries(SqlBase):
    # Today's salt, read on every click: kept in memory for the day (never a deleted one: a salt
    # is deleted only long after its day).
    _salt_cache: tuple[date, str] | None = None

    async def ip_salt_on(self, day: date) -> str | None:
        """The salt clicks of that shop day were hashed with; None once it is forgotten."""
        cached = self._salt_cache
        if cached is not None and cached[0] == day:
            return cached[1]
        row = await self._one("SELECT salt FROM ip_salts WHERE day = ?", (day,))
        return str(row[0]) if row else None

    async def ip_salt_for(self, day: date) -> str:
        """The salt of that day, made by whichever process needs it first."""
        salt = await self.ip_salt_on(day)
        if salt is None:
            async with self._transaction() as db:
                await db.execute(
                    "INSERT INTO ip_salts (day, salt, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (day) DO NOTHING",
                    (day, secrets.token_urlsafe(32), datetime.now(UTC)),
                )
                row = await db.fetchrow("SELECT salt FROM ip_salts WHERE day = ?", (day,))
            assert row is not None
            salt = str(row[0])
        if day == shop_days.local_day(datetime.now(UTC), self.zone):
            self._salt_cache = (day, salt)
        return salt

    async def forget_expired(self, now: datetime) -> Forgotten:
        """Deletes the salts no rule needs any more (with the uncounted clicks hashed under them),
        the failed sign-ins past the throttle and the rate-limit counters two windows old."""
        async with self._transaction() as db:
            windows = [
                int(row[0])
                for row in await db.fetch(
                    "SELECT attribution_days FROM campaigns WHERE archived_at IS NULL"
                )
            ]
            oldest = retention.oldest_salt_day(shop_days.local_day(now, self.zone), windows)
            salts = await db.execute("DELETE FROM ip_salts WHERE day < ?", (oldest,))
            # An uncounted click is kept only to compare its hash with an order's: once its
            # day's salt is gone, that comparison can never be made again.
            uncounted = await db.execute(
                "DELETE FROM uncounted_clicks WHERE created_at < ?",
                (shop_days.day_start(oldest, self.zone),),
            )
            failures = await db.execute(
                "DELETE FROM login_failures WHERE at < ?", (now - retention.LOGIN_FAILURES_KEPT,)
            )
            counts = await db.execute(
                "DELETE FROM rate_counters WHERE window_start + 2 * window_seconds <= ?",
                (int(now.timestamp()),),
            )
        return Forgotten(salts, failures, uncounted, counts)
