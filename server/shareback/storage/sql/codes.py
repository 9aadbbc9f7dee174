"""Codes typed at checkouts, in SQL: whose a code is, the referrer look-up, and friends' codes
drawn from an uploaded pool or generated, each issued once per click."""

from __future__ import annotations

from datetime import datetime

from shareback import codes
from shareback.outgoing import events
from shareback.storage.database import Connection
from shareback.storage.records import Campaign, CodeOwner, PoolStatus, PoolUpload, Referrer
from shareback.storage.sql.advocate_rows import advocate_from_row
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.outbox import enqueue
from shareback.storage.sql.referrals import CODES_LOCK, as_link

# Advocates who have done something: shared from the widget or had their link followed. Only they,
# and only if they chose to be found (advocates.findable), can be found, by name or by code, so the
# look-up cannot list a shop's customers, nor name one from a guessed coupon code (BOB10).
# (Shaped for the indexes: events_by_sharer of 0005, clicks_by_advocate.)
# A click is also one of the advocate's daily counts (advocate_click_days, human clicks): they stay
# active after the retention setting deleted their old raw clicks.
ACTIVE = (
    "(EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = a.campaign_id "
    "AND e.advocate_id = a.id AND e.type <> 'open') "
    "OR EXISTS (SELECT 1 FROM clicks k WHERE k.advocate_id = a.id) "
    "OR EXISTS (SELECT 1 FROM advocate_click_days d WHERE d.advocate_id = a.id))"
)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class CodeQueries(SqlBase):
    async def code_owner(self, code: str) -> CodeOwner | None:
        row = await self._one(
            "SELECT * FROM (SELECT a.*, 'referral' AS kind, NULL AS click_token FROM advocates a "
            "WHERE a.code = ? UNION ALL SELECT a.*, 'coupon', NULL FROM advocates a "
            "WHERE a.coupon_code = ? UNION ALL SELECT a.*, 'friend', f.click_token "
            "FROM friend_codes f JOIN advocates a ON a.id = f.advocate_id WHERE f.code_key = ? "
            "UNION ALL SELECT a.*, 'link', NULL FROM advocate_links l "
            "JOIN advocates a ON a.id = l.advocate_id WHERE l.code = ?) AS owners LIMIT 1",
            (code, code, code, code),
        )
        if row is None:
            return None
        advocate = advocate_from_row(row)
        if row["kind"] == "link":  # a further link: the advocate as it shows them
            return CodeOwner(as_link(advocate, code, email=advocate.email, name=None), "referral")
        return CodeOwner(advocate, row["kind"], row["click_token"])

    async def find_referrers(self, campaign_id: int, query: str, limit: int) -> list[Referrer]:
        code = query.strip().upper()
        exact = await self._all(
            "SELECT a.id, a.code, a.name FROM advocates a WHERE a.campaign_id = ? "
            f"AND (a.code = ? OR a.coupon_code = ?) AND a.findable AND {ACTIVE} "
            "ORDER BY a.id LIMIT ?",
            (campaign_id, code, code, limit),
        )
        found = [Referrer(row["code"], row["name"], True) for row in exact]
        key = codes.name_key(query)
        if key and len(found) < limit:
            # A whole-name prefix ("anna d") ranks above a later word's ("vries"); then the
            # advocate whose link was followed most, as the likelier referrer.
            rows = await self._all(
                "SELECT a.id, a.code, a.name, a.search_name LIKE ? ESCAPE '\\' AS name_first, "
                "(SELECT COUNT(*) FROM clicks k WHERE k.advocate_id = a.id) AS clicks "
                "FROM advocates a WHERE a.campaign_id = ? AND a.search_name IS NOT NULL "
                "AND (a.search_name LIKE ? ESCAPE '\\' OR a.search_name LIKE ? ESCAPE '\\') "
                f"AND a.findable AND {ACTIVE} ORDER BY name_first DESC, clicks DESC, a.id LIMIT ?",
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
            # One code per click even when two tabs ask at once on two machines.
            await db.lock(f"click:{click_token}")
            issued = await db.fetchrow(
                "SELECT code FROM friend_codes WHERE click_token = ?", (click_token,)
            )
            if issued is not None:
                return str(issued[0])  # a reload, a second tab: the same code, nothing burnt
            if campaign.friend_fulfilment == "pool":
                return await self._draw_from_pool(db, campaign, advocate_id, click_token, at)
            if campaign.friend_fulfilment == "generated":
                return await self._generate(db, campaign, advocate_id, click_token, at)
            return None

    async def _draw_from_pool(
        self, db: Connection, campaign: Campaign, advocate_id: int, click_token: str, at: datetime
    ) -> str | None:
        # Draws of one pool one at a time: the count after a draw must see every other draw,
        # or two friends taking the last two codes at once each see one left and nobody says
        # the pool ran out.
        await db.lock(f"pool:{campaign.id}")
        drawn = await db.fetchrow(
            "UPDATE friend_codes SET advocate_id = ?, click_token = ?, issued_at = ? "
            "WHERE click_token IS NULL AND id = (SELECT f.id FROM friend_codes f "
            "WHERE f.campaign_id = ? AND f.click_token IS NULL "
            f"ORDER BY f.id LIMIT 1{self.dialect.lock_rows('f')}) RETURNING code",
            (advocate_id, click_token, at, campaign.id),
        )
        if drawn is None:
            return None
        left = await db.fetchrow(
            "SELECT COUNT(*) FROM friend_codes WHERE campaign_id = ? AND click_token IS NULL",
            (campaign.id,),
        )
        if left is not None and left[0] == 0:
            # The last code just went: said once, when it happens, not on every friend after.
            await enqueue(
                db, "friend_code.pool_exhausted", events.pool_exhausted_event(campaign), at
            )
        return str(drawn[0])

    async def _generate(
        self, db: Connection, campaign: Campaign, advocate_id: int, click_token: str, at: datetime
    ) -> str:
        await db.lock(CODES_LOCK)  # no advocate takes the code as a coupon meanwhile
        for _ in range(12):
            code = codes.friend_code(campaign.friend_code_prefix)
            taken = await db.fetchrow(
                "SELECT 1 FROM advocates WHERE code = ? OR coupon_code = ? UNION ALL "
                "SELECT 1 FROM advocate_links WHERE code = ?",
                (code, code, code),
            )
            if taken is not None:
                continue
            inserted = await db.fetchrow(
                "INSERT INTO friend_codes (campaign_id, code, code_key, source, advocate_id, "
                "click_token, created_at, issued_at) VALUES (?, ?, ?, 'generated', ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING id",
                (campaign.id, code, code, advocate_id, click_token, at, at),
            )
            if inserted is None:
                continue  # drawn before: draw again
            row = await db.fetchrow("SELECT * FROM advocates WHERE id = ?", (advocate_id,))
            assert row is not None
            advocate = advocate_from_row(row)
            await enqueue(
                db,
                "friend_code.issued",
                events.friend_code_event(campaign, code, advocate, at),
                at,
            )
            return code
        raise RuntimeError("could not draw a free friend code")

    async def add_pool_codes(self, campaign_id: int, codes: list[str], at: datetime) -> PoolUpload:
        """All the upload's codes in one transaction, set-wise: 100,000 codes take a second."""
        async with self._transaction() as db:
            await db.lock(CODES_LOCK)
            await db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS pool_upload "
                "(n INTEGER PRIMARY KEY, code TEXT NOT NULL, code_key TEXT NOT NULL)"
            )
            await db.execute("DELETE FROM pool_upload")
            await db.executemany(
                "INSERT INTO pool_upload (n, code, code_key) VALUES (?, ?, ?)",
                [(n, code, code.upper()) for n, code in enumerate(codes, 1)],
            )
            conflicts = len(
                await db.fetch(
                    "DELETE FROM pool_upload WHERE code_key IN (SELECT coupon_code FROM advocates "
                    "WHERE coupon_code IS NOT NULL UNION SELECT code FROM advocates "
                    "UNION SELECT code FROM advocate_links "
                    "UNION SELECT upper(friend_code) FROM campaigns WHERE friend_code IS NOT NULL) "
                    "RETURNING n"
                )
            )
            added = await db.execute(
                "INSERT INTO friend_codes (campaign_id, code, code_key, source, created_at) "
                "SELECT c.id, u.code, u.code_key, 'pool', "
                f"{self.dialect.param('timestamptz')} FROM pool_upload u "
                "JOIN campaigns c ON c.id = ? WHERE true ORDER BY u.n "
                "ON CONFLICT (code_key) DO NOTHING",
                (at, campaign_id),
            )
            await db.execute("DELETE FROM pool_upload")
            left = await db.fetchrow(
                "SELECT COUNT(*) FROM friend_codes WHERE campaign_id = ? AND click_token IS NULL",
                (campaign_id,),
            )
        return PoolUpload(added, len(codes) - conflicts - added, conflicts, left[0] if left else 0)

    async def pool_status(self, campaign_id: int) -> PoolStatus:
        row = await self._one(
            "SELECT COUNT(*) FILTER (WHERE click_token IS NULL), "
            "COUNT(*) FILTER (WHERE click_token IS NOT NULL) "
            "FROM friend_codes WHERE campaign_id = ? AND source = 'pool'",
            (campaign_id,),
        )
        return PoolStatus(row[0], row[1]) if row else PoolStatus(0, 0)
