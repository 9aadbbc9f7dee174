"""The SQLite backend: one writer connection (serialised, BEGIN IMMEDIATE) and one reader, in WAL mode."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from shareback import attribution, codes, rewards
from shareback.attribution import Candidate
from shareback.storage.base import (
    Advocate,
    Campaign,
    CampaignDraft,
    Outcome,
    PaidOrder,
    ReferralRow,
    RewardRow,
    from_db_time,
    to_db_time,
)
from shareback.storage.migrate import migration_files

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)


def database_path(url: str) -> str:
    """sqlite:///relative.db, sqlite:////absolute/path.db"""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix:
        raise ValueError(f"a SQLite URL looks like sqlite:///shareback.db, not {url!r}")
    return url[len(prefix) :]


def _campaign(row: sqlite3.Row) -> Campaign:
    currency = row["currency"]
    return Campaign(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        shop_name=row["shop_name"],
        landing_url=row["landing_url"],
        allowed_origins=tuple(row["allowed_origins"].split()),
        referrer_reward=rewards.RewardSpec(
            row["referrer_reward_type"], row["referrer_reward_value"], currency
        ),
        friend_reward=rewards.RewardSpec(
            row["friend_reward_type"], row["friend_reward_value"], currency
        ),
        attribution_days=row["attribution_days"],
        hold_days=row["hold_days"],
        new_customers_only=bool(row["new_customers_only"]),
        starts_at=from_db_time(row["starts_at"]),
        ends_at=from_db_time(row["ends_at"]),
        archived_at=from_db_time(row["archived_at"]),
        created_at=from_db_time(row["created_at"]),
    )


def _advocate(row: sqlite3.Row) -> Advocate:
    created = from_db_time(row["created_at"])
    assert created is not None
    return Advocate(
        id=row["id"],
        campaign_id=row["campaign_id"],
        email=row["email"],
        email_key=row["email_key"],
        name=row["name"],
        code=row["code"],
        verified=bool(row["verified"]),
        created_at=created,
    )


class SqliteStore:
    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str) -> SqliteStore:
        path = database_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connections = []
        for _ in range(2):
            conn = await aiosqlite.connect(path, isolation_level=None)
            conn.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            connections.append(conn)
        return cls(connections[0], connections[1])

    async def close(self) -> None:
        await self._reader.close()
        await self._writer.close()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")

    async def _one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        async with self._reader.execute(sql, params) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def ping(self) -> None:
        await self._one("SELECT 1")

    async def migrate(self) -> list[str]:
        applied: list[str] = []
        async with self._write_lock:
            await self._writer.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            async with self._writer.execute("SELECT name FROM schema_migrations") as cursor:
                done = {row[0] for row in await cursor.fetchall()}
            for name, sql in migration_files("sqlite"):
                if name in done:
                    continue
                # One transaction per file: the schema change and its record land together or not at all.
                stamp = to_db_time(datetime.now(UTC))
                script = (
                    f"BEGIN IMMEDIATE;\n{sql}\n;INSERT INTO schema_migrations (name, applied_at) "
                    f"VALUES ('{name}', '{stamp}');\nCOMMIT;"
                )
                try:
                    await self._writer.executescript(script)
                except sqlite3.Error:
                    if self._writer.in_transaction:
                        await self._writer.execute("ROLLBACK")
                    raise
                applied.append(name)
        return applied

    async def keep_secrets(self, generated: Mapping[str, str]) -> dict[str, str]:
        stamp = to_db_time(datetime.now(UTC))
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                [(name, value, stamp) for name, value in generated.items()],
            )
            async with db.execute("SELECT name, value FROM secrets") as cursor:
                return {row["name"]: row["value"] for row in await cursor.fetchall()}

    async def ensure_campaign(self, draft: CampaignDraft) -> Campaign:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO campaigns (slug, name, shop_name, landing_url, allowed_origins, "
                "referrer_reward_type, referrer_reward_value, friend_reward_type, friend_reward_value, "
                "currency, attribution_days, hold_days, new_customers_only, starts_at, ends_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING",
                (
                    draft.slug,
                    draft.name,
                    draft.shop_name,
                    draft.landing_url,
                    " ".join(draft.allowed_origins),
                    draft.referrer_reward.type,
                    draft.referrer_reward.value,
                    draft.friend_reward.type,
                    draft.friend_reward.value,
                    draft.referrer_reward.currency,
                    draft.attribution_days,
                    draft.hold_days,
                    int(draft.new_customers_only),
                    to_db_time(draft.starts_at) if draft.starts_at else None,
                    to_db_time(draft.ends_at) if draft.ends_at else None,
                    to_db_time(datetime.now(UTC)),
                ),
            )
        campaign = await self.campaign(draft.slug)
        assert campaign is not None
        return campaign

    async def configure_campaign(
        self,
        slug: str,
        *,
        landing_url: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        shop_name: str | None = None,
    ) -> None:
        changes = {
            "landing_url": landing_url,
            "allowed_origins": None if allowed_origins is None else " ".join(allowed_origins),
            "shop_name": shop_name,
        }
        given = {column: value for column, value in changes.items() if value is not None}
        if not given:
            return
        assignments = ", ".join(f"{column} = ?" for column in given)  # column names are ours
        async with self._transaction() as db:
            await db.execute(
                f"UPDATE campaigns SET {assignments} WHERE slug = ?", (*given.values(), slug)
            )

    async def campaign(self, slug: str) -> Campaign | None:
        row = await self._one("SELECT * FROM campaigns WHERE slug = ?", (slug,))
        return _campaign(row) if row else None

    async def campaign_by_id(self, campaign_id: int) -> Campaign | None:
        row = await self._one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
        return _campaign(row) if row else None

    async def embed_origins(self) -> frozenset[str]:
        async with self._reader.execute(
            "SELECT allowed_origins FROM campaigns WHERE archived_at IS NULL"
        ) as cursor:
            rows = await cursor.fetchall()
        return frozenset(origin for row in rows for origin in row[0].split())

    async def advocate_for(
        self,
        campaign_id: int,
        email: str,
        email_key: str,
        name: str | None,
        verified: bool,
        code_prefix: str,
        at: datetime,
    ) -> tuple[Advocate, bool]:
        async with self._transaction() as db:
            created = False
            for attempt in range(12):
                code = codes.new_code(code_prefix, 4 if attempt < 6 else 6)
                try:
                    cursor = await db.execute(
                        "INSERT INTO advocates (campaign_id, email, email_key, name, code, verified, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (campaign_id, email_key) DO NOTHING",
                        (campaign_id, email, email_key, name, code, int(verified), to_db_time(at)),
                    )
                except sqlite3.IntegrityError:
                    continue  # the code is taken: draw another
                created = cursor.rowcount == 1
                break
            else:
                raise RuntimeError("could not draw a free referral code")
            if not created and (verified or name):
                # A verified visit upgrades the record; a name fills a blank but never overwrites.
                await db.execute(
                    "UPDATE advocates SET verified = MAX(verified, ?), name = COALESCE(name, ?) "
                    "WHERE campaign_id = ? AND email_key = ?",
                    (int(verified), name, campaign_id, email_key),
                )
            async with db.execute(
                "SELECT * FROM advocates WHERE campaign_id = ? AND email_key = ?",
                (campaign_id, email_key),
            ) as cur:
                row = await cur.fetchone()
        assert row is not None
        return _advocate(row), created

    async def advocate_by_code(self, code: str) -> Advocate | None:
        row = await self._one("SELECT * FROM advocates WHERE code = ?", (code,))
        return _advocate(row) if row else None

    async def record_click(
        self, advocate_id: int, token: str, channel: str, ip_hash: str, device: str, at: datetime
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO clicks (advocate_id, token, channel, ip_hash, device, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (advocate_id, token, channel, ip_hash, device, to_db_time(at)),
            )

    async def record_event(
        self,
        campaign_id: int,
        advocate_id: int | None,
        type: str,
        channel: str | None,
        at: datetime,
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO events (campaign_id, advocate_id, type, channel, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (campaign_id, advocate_id, type, channel, to_db_time(at)),
            )

    async def record_paid_order(
        self,
        message_id: str,
        order: PaidOrder,
        candidate: Candidate | None,
        no_candidate_reason: str,
    ) -> Outcome:
        now = to_db_time(datetime.now(UTC))
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (order.source, message_id, now),
            )
            if cursor.rowcount == 0:
                return Outcome("duplicate", "message_already_processed")
            async with db.execute(
                "INSERT INTO orders (source, order_id, email, email_key, total_minor, currency, "
                "status, paid_at) VALUES (?, ?, ?, ?, ?, ?, 'paid', ?) "
                "ON CONFLICT (source, order_id) DO NOTHING RETURNING id",
                (
                    order.source,
                    order.order_id,
                    order.email,
                    order.email_key,
                    order.total_minor,
                    order.currency,
                    to_db_time(order.paid_at),
                ),
            ) as cur:
                inserted = await cur.fetchone()
            if inserted is None:
                return Outcome("duplicate", "order_already_recorded")
            order_pk = inserted[0]
            if candidate is None:
                return Outcome("ignored", no_candidate_reason)
            async with db.execute(
                "SELECT * FROM campaigns WHERE id = ?", (candidate.campaign_id,)
            ) as cur:
                campaign_row = await cur.fetchone()
            assert campaign_row is not None
            campaign = _campaign(campaign_row)
            prior = already = None
            if order.email_key is not None:
                async with db.execute(
                    "SELECT 1 FROM orders WHERE email_key = ? AND id <> ? LIMIT 1",
                    (order.email_key, order_pk),
                ) as cur:
                    prior = await cur.fetchone()
                async with db.execute(
                    "SELECT 1 FROM referrals WHERE campaign_id = ? AND friend_email_key = ?",
                    (campaign.id, order.email_key),
                ) as cur:
                    already = await cur.fetchone()
            decision = attribution.decide(
                candidate,
                campaign.rules,
                attribution.Facts(
                    friend_email_key=order.email_key,
                    paid_at=order.paid_at,
                    friend_has_prior_orders=prior is not None,
                    friend_already_referred=already is not None,
                ),
            )
            if not decision.credited:
                return Outcome(decision.status, decision.reason)
            click_id = None
            if candidate.click_token:
                async with db.execute(
                    "SELECT id FROM clicks WHERE token = ? AND advocate_id = ?",
                    (candidate.click_token, candidate.advocate_id),
                ) as cur:
                    click = await cur.fetchone()
                click_id = click[0] if click else None
            async with db.execute(
                "INSERT INTO referrals (campaign_id, advocate_id, order_pk, click_id, "
                "friend_email_key, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    campaign.id,
                    candidate.advocate_id,
                    order_pk,
                    click_id,
                    order.email_key,
                    candidate.via,
                    now,
                ),
            ) as cur:
                referral = await cur.fetchone()
            assert referral is not None
            async with db.execute(
                "SELECT email FROM advocates WHERE id = ?", (candidate.advocate_id,)
            ) as cur:
                advocate_row = await cur.fetchone()
            assert advocate_row is not None and order.email is not None
            due = to_db_time(rewards.approve_after(order.paid_at, campaign.hold_days))
            for side, spec, advocate_id, email in (
                ("referrer", campaign.referrer_reward, candidate.advocate_id, advocate_row[0]),
                ("friend", campaign.friend_reward, None, order.email),
            ):
                await db.execute(
                    "INSERT INTO rewards (referral_id, side, advocate_id, email, type, value, currency, "
                    "amount_minor, status, approve_after, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                    (
                        referral[0],
                        side,
                        advocate_id,
                        email,
                        spec.type,
                        spec.value,
                        spec.currency,
                        spec.cost_minor(order.total_minor),
                        due,
                        now,
                    ),
                )
            return Outcome("recorded", decision.reason, referral_id=referral[0])

    async def record_refund(
        self, message_id: str, source: str, order_id: str, at: datetime
    ) -> Outcome:
        stamp = to_db_time(at)
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (source, message_id, stamp),
            )
            if cursor.rowcount == 0:
                return Outcome("duplicate", "message_already_processed")
            cursor = await db.execute(
                "UPDATE orders SET status = 'refunded', refunded_at = ? "
                "WHERE source = ? AND order_id = ? AND status = 'paid'",
                (stamp, source, order_id),
            )
            if cursor.rowcount == 0:
                async with db.execute(
                    "SELECT status FROM orders WHERE source = ? AND order_id = ?",
                    (source, order_id),
                ) as cur:
                    known = await cur.fetchone()
                if known is None:
                    return Outcome("ignored", "unknown_order")
                return Outcome("duplicate", "order_already_refunded")
            cursor = await db.execute(
                "UPDATE rewards SET status = 'revoked', revoked_at = ?, revoke_reason = 'refund' "
                "WHERE status = 'pending' AND referral_id IN (SELECT r.id FROM referrals r "
                "JOIN orders o ON o.id = r.order_pk WHERE o.source = ? AND o.order_id = ?)",
                (stamp, source, order_id),
            )
            revoked = cursor.rowcount
            return Outcome("recorded", "refunded", revoked=revoked)

    async def approve_due_rewards(self, now: datetime) -> int:
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE rewards SET status = 'approved', approved_at = ? "
                "WHERE status = 'pending' AND approve_after <= ?",
                (to_db_time(now), to_db_time(now)),
            )
            return cursor.rowcount

    async def referral_for_order(self, source: str, order_id: str) -> ReferralRow | None:
        row = await self._one(
            "SELECT r.id, r.campaign_id, r.advocate_id, a.code, o.order_id, o.source, r.via, r.click_id "
            "FROM referrals r JOIN orders o ON o.id = r.order_pk JOIN advocates a ON a.id = r.advocate_id "
            "WHERE o.source = ? AND o.order_id = ?",
            (source, order_id),
        )
        if row is None:
            return None
        async with self._reader.execute(
            "SELECT * FROM rewards WHERE referral_id = ? ORDER BY side DESC", (row[0],)
        ) as cursor:
            reward_rows = await cursor.fetchall()
        return ReferralRow(
            id=row[0],
            campaign_id=row[1],
            advocate_id=row[2],
            advocate_code=row[3],
            order_id=row[4],
            source=row[5],
            via=row[6],
            click_id=row[7],
            rewards=tuple(
                RewardRow(
                    id=r["id"],
                    side=r["side"],
                    email=r["email"],
                    type=r["type"],
                    value=r["value"],
                    currency=r["currency"],
                    amount_minor=r["amount_minor"],
                    status=r["status"],
                    approve_after=from_db_time(r["approve_after"]) or datetime.now(UTC),
                    revoke_reason=r["revoke_reason"],
                )
                for r in reward_rows
            ),
        )
