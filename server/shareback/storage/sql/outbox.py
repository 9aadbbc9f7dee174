"""The outbox in SQL: events written inside the caller's transaction, fanned out to endpoints,
claimed by workers under a lease, and every attempt logged."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from shareback.outgoing import events
from shareback.storage.database import Connection, Row, db_time, from_db_time
from shareback.storage.records import (
    DeliveryAttempt,
    DeliveryRow,
    DueDelivery,
    RewardFacts,
    WebhookEndpoint,
)
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.leased_queue import claim_due
from shareback.storage.sql.mail_plan import plan_for_event


async def enqueue(db: Connection, event_type: str, data: dict[str, Any], at: datetime) -> None:
    """Called inside the transaction that makes the change, so the event exists iff the change does."""
    row = await db.fetchrow(
        "INSERT INTO outbox (message_id, type, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        ("msg_" + secrets.token_hex(12), event_type, json.dumps(data, separators=(",", ":")), at),
    )
    assert row is not None
    # One delivery per endpoint that wants the event, due at once (the event's own time).
    await db.execute(
        "INSERT INTO deliveries (outbox_id, endpoint_id, status, next_attempt_at, created_at) "
        "SELECT o.id, e.id, 'pending', o.created_at, o.created_at FROM outbox o "
        "JOIN webhook_endpoints e ON e.disabled_at IS NULL "
        "AND (e.events = '*' OR (' ' || e.events || ' ') LIKE ?) WHERE o.id = ?",
        (f"% {event_type} %", row[0]),
    )
    # The e-mails some events mean (the referrer's reward mails), in the same transaction.
    await plan_for_event(db, event_type, data, at)


REWARD_FACTS = (
    "SELECT w.id AS reward_id, w.side, w.status, w.email AS recipient_email, w.type, w.value, "
    "w.currency, w.amount_minor, w.approve_after, w.revoke_reason, r.id AS referral_id, r.via, "
    "c.slug AS campaign_slug, a.code AS advocate_code, a.coupon_code AS advocate_coupon_code, "
    "a.email AS advocate_email, a.name AS advocate_name, o.email AS friend_email, r.friend_name, "
    "o.order_id, o.source AS order_source, o.total_minor AS order_total_minor, "
    "o.currency AS order_currency, w.fulfilment, w.fulfilled_at, w.fulfilled_ref, w.kind "
    "FROM rewards w JOIN referrals r ON r.id = w.referral_id "
    "JOIN campaigns c ON c.id = r.campaign_id JOIN advocates a ON a.id = r.advocate_id "
    "JOIN orders o ON o.id = r.order_pk WHERE w.id = ?"
)


def reward_facts(row: Row) -> RewardFacts:
    return RewardFacts(
        **{
            name: row[name]
            for name in RewardFacts.__dataclass_fields__
            if name not in ("approve_after", "fulfilled_at")
        },
        approve_after=db_time(row["approve_after"]),
        fulfilled_at=from_db_time(row["fulfilled_at"]),
    )


async def fetch_reward_facts(db: Connection, reward_id: int) -> RewardFacts | None:
    row = await db.fetchrow(REWARD_FACTS, (reward_id,))
    return None if row is None else reward_facts(row)


async def enqueue_reward_events(
    db: Connection, event_type: str, reward_ids: list[int], at: datetime
) -> None:
    for reward_id in reward_ids:
        facts = await fetch_reward_facts(db, reward_id)
        if facts is not None:
            await enqueue(db, event_type, events.reward_event(facts), at)


def _endpoint(row: Row) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row["id"],
        url=row["url"],
        events=tuple(row["events"].split()),
        secret=row["secret"],
        description=row["description"],
        created_at=db_time(row["created_at"]),
        disabled_at=from_db_time(row["disabled_at"]),
    )


class OutboxQueries(SqlBase):
    async def create_endpoint(
        self, url: str, events: tuple[str, ...], secret: str, description: str, at: datetime
    ) -> WebhookEndpoint:
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO webhook_endpoints (url, events, secret, description, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING *",
                (url, " ".join(events) or "*", secret, description, at),
            )
        assert row is not None
        return _endpoint(row)

    async def endpoints(self) -> list[WebhookEndpoint]:
        return [
            _endpoint(row) for row in await self._all("SELECT * FROM webhook_endpoints ORDER BY id")
        ]

    async def disable_endpoint(self, endpoint_id: int, at: datetime) -> bool:
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE webhook_endpoints SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                (at, endpoint_id),
            )
            return changed == 1

    async def claim_deliveries(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueDelivery]:
        """Due deliveries nobody holds a live lease on become this worker's until the lease ends."""
        async with self._transaction() as db:
            ids = await claim_due(db, self.dialect, "deliveries", worker, now, lease, limit)
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            rows = await db.fetch(
                "SELECT d.id, d.attempts, d.created_at, o.message_id, o.type, o.payload, o.created_at "
                "AS event_at, e.url, e.secret FROM deliveries d JOIN outbox o ON o.id = d.outbox_id "
                f"JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id IN ({marks}) ORDER BY d.id",
                ids,
            )
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
        status = "delivered" if delivered else ("pending" if retry_at else "dead")
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, "
                "lease_until = NULL, leased_by = NULL, last_status_code = ?, last_error = ?, "
                "delivered_at = ? WHERE id = ? AND leased_by = ? AND status = 'pending'",
                (
                    status,
                    retry_at or now,
                    status_code,
                    error,
                    now if delivered else None,
                    delivery_id,
                    worker,
                ),
            )
            if changed != 1:
                return False
            await db.execute(
                "INSERT INTO delivery_attempts (delivery_id, at, status_code, error, duration_ms) "
                "VALUES (?, ?, ?, ?, ?)",
                (delivery_id, now, status_code, error, duration_ms),
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
        rows = await self._all(
            "SELECT d.*, o.message_id, o.type, e.url FROM deliveries d JOIN outbox o ON o.id = d.outbox_id "
            f"JOIN webhook_endpoints e ON e.id = d.endpoint_id{where} ORDER BY d.id DESC LIMIT ?",
            (*params, limit),
        )
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
        rows = await self._all(
            "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id", (delivery_id,)
        )
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
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, created_at = ?, "
                "attempts = 0, lease_until = NULL, leased_by = NULL WHERE id = ? AND status <> 'pending'",
                (now, now, delivery_id),
            )
            return changed == 1

    async def queue_sizes(self) -> dict[tuple[str, str], int]:
        """Rewards and deliveries by status, pool codes left: what an operator alerts on."""
        sizes: dict[tuple[str, str], int] = {}
        for queue, table in (("rewards", "rewards"), ("webhook_deliveries", "deliveries")):
            for status in await self._all(f"SELECT status, COUNT(*) FROM {table} GROUP BY status"):
                sizes[(queue, status[0])] = status[1]
        # Friends' codes left in the owners' pools (all campaigns): alert before it reaches 0.
        row = await self._one(
            "SELECT COUNT(*) FILTER (WHERE click_token IS NULL), COUNT(*) FILTER (WHERE click_token "
            "IS NOT NULL) FROM friend_codes WHERE source = 'pool'"
        )
        if row is not None:
            sizes[("friend_code_pool", "remaining")] = row[0]
            sizes[("friend_code_pool", "issued")] = row[1]
        return sizes
