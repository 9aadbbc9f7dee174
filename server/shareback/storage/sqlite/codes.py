"""Codes typed at checkouts, in SQL: whose a code is, the referrer look-up, and friends' codes
drawn from an uploaded pool or generated, each issued once per click."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import aiosqlite

from shareback import codes
from shareback.storage.base import (
    Campaign,
    CodeOwner,
    PoolStatus,
    PoolUpload,
    Referrer,
    to_db_time,
)
from shareback.storage.sqlite.connection import SqliteBase
from shareback.storage.sqlite.outbox import enqueue
from shareback.storage.sqlite.referrals import _advocate

# Advocates who have done something: shared from the widget or had their link followed. Only they
# can be found by name, so the look-up cannot list a shop's customers.
# (Shaped for the indexes: events_by_sharer of 0005, clicks_by_advocate.)
ACTIVE = (
    "(EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = a.campaign_id "
    "AND e.advocate_id = a.id AND e.type <> 'open') "
    "OR EXISTS (SELECT 1 FROM clicks k WHERE k.advocate_id = a.id))"
)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def friend_code_event(
    campaign: Campaign, code: str, advocate: sqlite3.Row, at: datetime
) -> dict[str, Any]:
    """What a shop needs to create the code in its checkout: the code and the discount it gives."""
    reward = campaign.friend_reward
    return {
        "campaign": campaign.slug,
        "friend_code": {
            "code": code,
            "single_use": True,
            "issued_at": to_db_time(at).replace(" ", "T") + "Z",
            "reward": {
                **reward.as_dict(),
                "description": {"en": reward.describe("en"), "nl": reward.describe("nl")},
            },
        },
        "advocate": {
            "code": advocate["code"],
            "coupon_code": advocate["coupon_code"],
            "email": advocate["email"],
            "name": advocate["name"],
        },
    }


class CodeQueries(SqliteBase):
    async def _read_all(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def code_owner(self, code: str) -> CodeOwner | None:
        row = await self._one(
            "SELECT a.*, 'referral' AS kind, NULL AS click_token FROM advocates a WHERE a.code = ? "
            "UNION ALL SELECT a.*, 'coupon', NULL FROM advocates a WHERE a.coupon_code = ? "
            "UNION ALL SELECT a.*, 'friend', f.click_token FROM friend_codes f "
            "JOIN advocates a ON a.id = f.advocate_id WHERE f.code_key = ? LIMIT 1",
            (code, code, code),
        )
        if row is None:
            return None
        return CodeOwner(_advocate(row), row["kind"], row["click_token"])

    async def find_referrers(self, campaign_id: int, query: str, limit: int) -> list[Referrer]:
        code = query.strip().upper()
        exact = await self._read_all(
            "SELECT id, code, name FROM advocates WHERE campaign_id = ? "
            "AND (code = ? OR coupon_code = ?) ORDER BY id LIMIT ?",
            (campaign_id, code, code, limit),
        )
        found = [Referrer(row["code"], row["name"], True) for row in exact]
        key = codes.name_key(query)
        if key and len(found) < limit:
            # A whole-name prefix ("anna d") ranks above a later word's ("vries"); then the
            # advocate whose link was followed most, as the likelier referrer.
            rows = await self._read_all(
                "SELECT a.id, a.code, a.name, a.search_name LIKE ? ESCAPE '\\' AS leading, "
                "(SELECT COUNT(*) FROM clicks k WHERE k.advocate_id = a.id) AS clicks "
                "FROM advocates a WHERE a.campaign_id = ? AND a.search_name IS NOT NULL "
                "AND (a.search_name LIKE ? ESCAPE '\\' OR a.search_name LIKE ? ESCAPE '\\') "
                f"AND {ACTIVE} ORDER BY leading DESC, clicks DESC, a.id LIMIT ?",
                (
                    _like_prefix(key),
                    campaign_id,
                    _like_prefix(key),
                    "% " + _like_prefix(key),
                    limit,
                ),
            )
            seen = {referrer.code for referrer in found}
            found += [
                Referrer(row["code"], row["name"], False) for row in rows if row["code"] not in seen
            ]
        return found[:limit]

    async def friend_code_for_click(self, click_token: str) -> str | None:
        row = await self._one("SELECT code FROM friend_codes WHERE click_token = ?", (click_token,))
        return row[0] if row else None

    async def issue_friend_code(
        self, campaign: Campaign, advocate_id: int, click_token: str, at: datetime
    ) -> str | None:
        async with self._transaction() as db:
            async with db.execute(
                "SELECT code FROM friend_codes WHERE click_token = ?", (click_token,)
            ) as cur:
                issued = await cur.fetchone()
            if issued is not None:
                return str(issued[0])  # a reload, a second tab: the same code, nothing burnt
            if campaign.friend_fulfilment == "pool":
                return await self._draw_from_pool(db, campaign, advocate_id, click_token, at)
            if campaign.friend_fulfilment == "generated":
                return await self._generate(db, campaign, advocate_id, click_token, at)
            return None

    async def _draw_from_pool(
        self,
        db: aiosqlite.Connection,
        campaign: Campaign,
        advocate_id: int,
        click_token: str,
        at: datetime,
    ) -> str | None:
        async with db.execute(
            "UPDATE friend_codes SET advocate_id = ?, click_token = ?, issued_at = ? "
            "WHERE id = (SELECT id FROM friend_codes WHERE campaign_id = ? AND click_token IS NULL "
            "ORDER BY id LIMIT 1) RETURNING code",
            (advocate_id, click_token, to_db_time(at), campaign.id),
        ) as cur:
            drawn = await cur.fetchone()
        if drawn is None:
            return None
        async with db.execute(
            "SELECT COUNT(*) FROM friend_codes WHERE campaign_id = ? AND click_token IS NULL",
            (campaign.id,),
        ) as cur:
            left = await cur.fetchone()
        if left is not None and left[0] == 0:
            # The last code just went: said once, when it happens, not on every friend after.
            await enqueue(
                db,
                "friend_code.pool_exhausted",
                {"campaign": campaign.slug, "remaining": 0, "fallback_code": campaign.friend_code},
                at,
            )
        return str(drawn[0])

    async def _generate(
        self,
        db: aiosqlite.Connection,
        campaign: Campaign,
        advocate_id: int,
        click_token: str,
        at: datetime,
    ) -> str:
        for _ in range(12):
            code = codes.friend_code(campaign.friend_code_prefix)
            async with db.execute(
                "SELECT 1 FROM advocates WHERE code = ? OR coupon_code = ?", (code, code)
            ) as cur:
                if await cur.fetchone() is not None:
                    continue
            try:
                await db.execute(
                    "INSERT INTO friend_codes (campaign_id, code, code_key, source, advocate_id, "
                    "click_token, created_at, issued_at) VALUES (?, ?, ?, 'generated', ?, ?, ?, ?)",
                    (
                        campaign.id,
                        code,
                        code,
                        advocate_id,
                        click_token,
                        to_db_time(at),
                        to_db_time(at),
                    ),
                )
            except sqlite3.IntegrityError:
                continue  # drawn before: draw again
            async with db.execute("SELECT * FROM advocates WHERE id = ?", (advocate_id,)) as cur:
                advocate = await cur.fetchone()
            assert advocate is not None
            await enqueue(
                db, "friend_code.issued", friend_code_event(campaign, code, advocate, at), at
            )
            return code
        raise RuntimeError("could not draw a free friend code")

    async def add_pool_codes(self, campaign_id: int, codes: list[str], at: datetime) -> PoolUpload:
        """All the upload's codes in one transaction, set-wise: 100,000 codes take a second."""
        async with self._transaction() as db:
            await db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS pool_upload "
                "(n INTEGER PRIMARY KEY, code TEXT NOT NULL, code_key TEXT NOT NULL)"
            )
            await db.execute("DELETE FROM pool_upload")
            await db.executemany(
                "INSERT INTO pool_upload (code, code_key) VALUES (?, ?)",
                [(code, code.upper()) for code in codes],
            )
            async with db.execute(
                "DELETE FROM pool_upload WHERE code_key IN (SELECT coupon_code FROM advocates "
                "WHERE coupon_code IS NOT NULL UNION SELECT code FROM advocates "
                "UNION SELECT upper(friend_code) FROM campaigns WHERE friend_code IS NOT NULL) "
                "RETURNING n"
            ) as cur:
                conflicts = len(list(await cur.fetchall()))
            cursor = await db.execute(
                "INSERT INTO friend_codes (campaign_id, code, code_key, source, created_at) "
                "SELECT ?, code, code_key, 'pool', ? FROM pool_upload WHERE true ORDER BY n "
                "ON CONFLICT (code_key) DO NOTHING",
                (campaign_id, to_db_time(at)),
            )
            added = cursor.rowcount
            await db.execute("DELETE FROM pool_upload")
            async with db.execute(
                "SELECT COUNT(*) FROM friend_codes WHERE campaign_id = ? AND click_token IS NULL",
                (campaign_id,),
            ) as cur:
                left = await cur.fetchone()
        return PoolUpload(added, len(codes) - conflicts - added, conflicts, left[0] if left else 0)

    async def pool_status(self, campaign_id: int) -> PoolStatus:
        row = await self._one(
            "SELECT COUNT(*) FILTER (WHERE click_token IS NULL), "
            "COUNT(*) FILTER (WHERE click_token IS NOT NULL) "
            "FROM friend_codes WHERE campaign_id = ? AND source = 'pool'",
            (campaign_id,),
        )
        return PoolStatus(row[0], row[1]) if row else PoolStatus(0, 0)
