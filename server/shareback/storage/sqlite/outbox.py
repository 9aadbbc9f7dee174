"""The outbox in SQL: events written inside the caller's transaction, fanned out to endpoints,
claimed by workers under a lease, and every attempt logged."""

from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from shareback import money
from shareback.rewards import RewardSpec
from shareback.storage.base import (
    DeliveryAttempt,
    DeliveryRow,
    DueDelivery,
    WebhookEndpoint,
    db_time,
    from_db_time,
    to_db_time,
)
from shareback.storage.sqlite.connection import SqliteBase


async def enqueue(
    db: aiosqlite.Connection, event_type: str, data: dict[str, Any], at: datetime
) -> None:
    """Called inside the transaction that makes the change, so the event exists iff the change does."""
    stamp = to_db_time(at)
    async with db.execute(
        "INSERT INTO outbox (message_id, type, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        (
            "msg_" + secrets.token_hex(12),
            event_type,
            json.dumps(data, separators=(",", ":")),
            stamp,
        ),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    await db.execute(
        "INSERT INTO deliveries (outbox_id, endpoint_id, status, next_attempt_at, created_at) "
        "SELECT ?, id, 'pending', ?, ? FROM webhook_endpoints WHERE disabled_at IS NULL "
        "AND (events = '*' OR (' ' || events || ' ') LIKE ?)",
        (row[0], stamp, stamp, f"% {event_type} %"),
    )


def _amount(minor: int | None, currency: str) -> str | None:
    return None if minor is None else money.from_minor(minor, currency)


REWARD_FACTS = (
    "SELECT w.*, r.id AS referral_id, r.via, r.friend_name, c.slug, a.code, a.coupon_code, "
    "a.email AS advocate_email, "
    "a.name AS advocate_name, o.order_id, o.source, o.total_minor, o.currency AS order_currency, "
    "o.email AS friend_email FROM rewards w JOIN referrals r ON r.id = w.referral_id "
    "JOIN campaigns c ON c.id = r.campaign_id JOIN advocates a ON a.id = r.advocate_id "
    "JOIN orders o ON o.id = r.order_pk WHERE w.id = ?"
)


def advocate_event(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "campaign": row["slug"],
        "advocate": {
            "code": row["code"],
            "coupon_code": row["coupon_code"],
            "email": row["email"],
            "name": row["name"],
            "verified": bool(row["verified"]),
        },
    }


def referral_event(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "campaign": row["slug"],
        "referral": {"id": row["referral_id"], "via": row["via"]},
        "advocate": {
            "code": row["code"],
            "coupon_code": row["coupon_code"],
            "email": row["advocate_email"],
            "name": row["advocate_name"],
        },
        "friend": {"email": row["friend_email"], "name": row["friend_name"]},
        "order": {
            "id": row["order_id"],
            "source": row["source"],
            "total": _amount(row["total_minor"], row["order_currency"]),
            "currency": row["order_currency"],
        },
    }


def reward_event(row: sqlite3.Row) -> dict[str, Any]:
    spec = RewardSpec(row["type"], row["value"], row["currency"])
    referrer = row["side"] == "referrer"
    return {
        **referral_event(row),
        "reward": {
            "id": row["id"],
            "side": row["side"],
            "status": row["status"],
            "recipient": {
                "email": row["email"],
                "name": row["advocate_name"] if referrer else row["friend_name"],
            },
            "type": row["type"],
            "value": row["value"],
            "currency": row["currency"],
            "amount": _amount(row["amount_minor"], row["currency"]),
            "description": {"en": spec.describe("en"), "nl": spec.describe("nl")},
            "approve_after": row["approve_after"].replace(" ", "T") + "Z",
            "revoke_reason": row["revoke_reason"],
        },
    }


async def enqueue_reward_events(
    db: aiosqlite.Connection, event_type: str, reward_ids: list[int], at: datetime
) -> None:
    for reward_id in reward_ids:
        async with db.execute(REWARD_FACTS, (reward_id,)) as cursor:
            row = await cursor.fetchone()
        if row is not None:
            await enqueue(db, event_type, reward_event(row), at)


def _endpoint(row: sqlite3.Row) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row["id"],
        url=row["url"],
        events=tuple(row["events"].split()),
        secret=row["secret"],
        description=row["description"],
        created_at=db_time(row["created_at"]),
        disabled_at=from_db_time(row["disabled_at"]),
    )


class OutboxQueries(SqliteBase):
    async def create_endpoint(
        self, url: str, events: tuple[str, ...], secret: str, description: str, at: datetime
    ) -> WebhookEndpoint:
        async with (
            self._transaction() as db,
            db.execute(
                "INSERT INTO webhook_endpoints (url, events, secret, description, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING *",
                (url, " ".join(events) or "*", secret, description, to_db_time(at)),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        assert row is not None
        return _endpoint(row)

    async def endpoints(self) -> list[WebhookEndpoint]:
        async with self._reader.execute("SELECT * FROM webhook_endpoints ORDER BY id") as cursor:
            return [_endpoint(row) for row in await cursor.fetchall()]

    async def disable_endpoint(self, endpoint_id: int, at: datetime) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE webhook_endpoints SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                (to_db_time(at), endpoint_id),
            )
            return cursor.rowcount == 1

    async def claim_deliveries(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueDelivery]:
        """Due deliveries nobody holds a live lease on become this worker's until the lease ends."""
        stamp = to_db_time(now)
        async with self._transaction() as db:
            async with db.execute(
                "UPDATE deliveries SET lease_until = ?, leased_by = ? WHERE id IN ("
                "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? "
                "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT ?) "
                "RETURNING id",
                (to_db_time(now + lease), worker, stamp, stamp, limit),
            ) as cursor:
                ids = [row[0] for row in await cursor.fetchall()]
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            async with db.execute(
                "SELECT d.id, d.attempts, d.created_at, o.message_id, o.type, o.payload, o.created_at "
                "AS event_at, e.url, e.secret FROM deliveries d JOIN outbox o ON o.id = d.outbox_id "
                f"JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id IN ({marks}) ORDER BY d.id",
                ids,
            ) as cursor:
                rows = await cursor.fetchall()
        return [
            DueDelivery(
                id=row["id"],
                attempts=row["attempts"],
                created_at=db_time(row["created_at"]),
                message_id=row["message_id"],
                type=row["type"],
                payload=json.loads(row["payload"]),
                event_at=db_time(row["event_at"]),
                url=row["url"],
                secret=row["secret"],
            )
            for row in rows
        ]

    async def finish_delivery(
        self,
        delivery_id: int,
        worker: str,
        *,
        delivered: bool,
        status_code: int | None,
        error: str | None,
        duration_ms: int,
        retry_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Records one attempt. False when the lease was lost meanwhile (another worker took over)."""
        stamp = to_db_time(now)
        status = "delivered" if delivered else ("pending" if retry_at else "dead")
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, "
                "lease_until = NULL, leased_by = NULL, last_status_code = ?, last_error = ?, "
                "delivered_at = ? WHERE id = ? AND leased_by = ? AND status = 'pending'",
                (
                    status,
                    to_db_time(retry_at) if retry_at else stamp,
                    status_code,
                    error,
                    stamp if delivered else None,
                    delivery_id,
                    worker,
                ),
            )
            if cursor.rowcount != 1:
                return False
            await db.execute(
                "INSERT INTO delivery_attempts (delivery_id, at, status_code, error, duration_ms) "
                "VALUES (?, ?, ?, ?, ?)",
                (delivery_id, stamp, status_code, error, duration_ms),
            )
            return True

    async def list_deliveries(
        self,
        *,
        status: str | None = None,
        endpoint_id: int | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[DeliveryRow]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("d.status", status), ("d.endpoint_id", endpoint_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if before is not None:
            clauses.append("d.id < ?")
            params.append(before)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        async with self._reader.execute(
            "SELECT d.*, o.message_id, o.type, e.url FROM deliveries d JOIN outbox o ON o.id = d.outbox_id "
            f"JOIN webhook_endpoints e ON e.id = d.endpoint_id{where} ORDER BY d.id DESC LIMIT ?",
            (*params, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            DeliveryRow(
                id=row["id"],
                endpoint_id=row["endpoint_id"],
                url=row["url"],
                message_id=row["message_id"],
                type=row["type"],
                status=row["status"],
                attempts=row["attempts"],
                next_attempt_at=db_time(row["next_attempt_at"]),
                last_status_code=row["last_status_code"],
                last_error=row["last_error"],
                delivered_at=from_db_time(row["delivered_at"]),
                created_at=db_time(row["created_at"]),
            )
            for row in rows
        ]

    async def delivery_attempts(self, delivery_id: int) -> list[DeliveryAttempt]:
        async with self._reader.execute(
            "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id", (delivery_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            DeliveryAttempt(
                at=db_time(row["at"]),
                status_code=row["status_code"],
                error=row["error"],
                duration_ms=row["duration_ms"],
            )
            for row in rows
        ]

    async def redeliver(self, delivery_id: int, now: datetime) -> bool:
        """A dead (or delivered) delivery goes back in the queue, with a fresh three-day window."""
        stamp = to_db_time(now)
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, created_at = ?, "
                "attempts = 0, lease_until = NULL, leased_by = NULL WHERE id = ? AND status <> 'pending'",
                (stamp, stamp, delivery_id),
            )
            return cursor.rowcount == 1

    async def queue_sizes(self) -> dict[tuple[str, str], int]:
        """Rewards and deliveries by status, pool codes left: what an operator alerts on."""
        sizes: dict[tuple[str, str], int] = {}
        for queue, table in (("rewards", "rewards"), ("webhook_deliveries", "deliveries")):
            async with self._reader.execute(
                f"SELECT status, COUNT(*) FROM {table} GROUP BY status"
            ) as cur:
                for status, n in await cur.fetchall():
                    sizes[(queue, status)] = n
        # Friends' codes left in the owners' pools (all campaigns): alert before it reaches 0.
        async with self._reader.execute(
            "SELECT COUNT(*) FILTER (WHERE click_token IS NULL), COUNT(*) FILTER (WHERE click_token "
            "IS NOT NULL) FROM friend_codes WHERE source = 'pool'"
        ) as cur:
            row = await cur.fetchone()
        if row is not None:
            sizes[("friend_code_pool", "remaining")] = row[0]
            sizes[("friend_code_pool", "issued")] = row[1]
        return sizes
