"""Delivers due outbox messages: claim under a lease, sign per Standard Webhooks, POST, record."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from shareback import tokens
from shareback.outgoing.retry import next_attempt
from shareback.storage.base import DueDelivery, Store
from shareback.times import rfc3339
from shareback.webhooks import standard

log = logging.getLogger("shareback.outgoing")
USER_AGENT = "Shareback-Webhooks/1"


@dataclass(frozen=True)
class Report:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.dead


def envelope(event_type: str, moment: datetime, payload: Any, public_url: str) -> bytes:
    """Every body we POST: {type, timestamp, data}, the payload as stored plus the advocate's link
    (the store doesn't know the public URL)."""
    data: dict[str, Any] = json.loads(json.dumps(payload))
    advocate = data.get("advocate")
    if isinstance(advocate, dict) and advocate.get("code"):
        advocate["link"] = f"{public_url}/r/{advocate['code']}"
    event = {"type": event_type, "timestamp": rfc3339(moment), "data": data}
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


def event_body(delivery: DueDelivery, public_url: str) -> bytes:
    return envelope(delivery.type, delivery.event_at, delivery.payload, public_url)


def signed_headers(secret: str, message_id: str, body: bytes) -> dict[str, str]:
    """Standard Webhooks headers. The timestamp is the wall clock of sending, whatever moment
    the schedule runs at (tests move that moment forward)."""
    stamp = int(time.time())
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": standard.sign(secret, message_id, stamp, body),
    }


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        public_url: str,
        http: httpx.AsyncClient,
        *,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 20,
        concurrency: int = 8,
    ) -> None:
        self.store = store
        self.public_url = public_url
        self.http = http
        self.lease = lease
        self.batch = batch
        self.name = "worker-" + secrets.token_hex(4)
        self._limit = asyncio.Semaphore(concurrency)

    async def deliver_due(self, now: datetime | None = None) -> Report:
        """One round: every due delivery this worker can claim is tried once."""
        moment = now or tokens.now_utc()
        claimed_at = time.monotonic()
        claimed = await self.store.claim_deliveries(self.name, moment, self.lease, self.batch)
        outcomes = await asyncio.gather(*(self._attempt(d, moment, claimed_at) for d in claimed))
        return Report(
            delivered=outcomes.count("delivered"),
            retrying=outcomes.count("pending"),
            dead=outcomes.count("dead"),
        )

    async def _attempt(self, delivery: DueDelivery, now: datetime, claimed_at: float) -> str:
        body = event_body(delivery, self.public_url)
        headers = signed_headers(delivery.secret, delivery.message_id, body)
        status_code: int | None = None
        error: str | None = None
        async with self._limit:
            started = time.perf_counter()
            if time.monotonic() - claimed_at > self.lease.total_seconds() / 2:
                # Waited so long for a free slot that the lease may lapse while sending, and
                # another process claim the delivery and send it too: left for the next claim.
                return "skipped"
            try:
                response = await self.http.post(delivery.url, content=body, headers=headers)
                status_code = response.status_code
                if not 200 <= status_code < 300:
                    error = f"HTTP {status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
        duration = int((time.perf_counter() - started) * 1000)
        delivered = error is None
        retry_at = (
            None if delivered else next_attempt(delivery.attempts + 1, delivery.created_at, now)
        )
        await self.store.finish_delivery(
            delivery.id,
            self.name,
            delivered=delivered,
            status_code=status_code,
            error=error,
            duration_ms=duration,
            retry_at=retry_at,
            now=now,
        )
        if not delivered:
            log.warning("delivery %s to %s failed (%s)", delivery.id, delivery.url, error)
        return "delivered" if delivered else ("pending" if retry_at else "dead")


async def deliver_forever(worker: DeliveryWorker, interval: float) -> None:
    while True:
        try:
            report = await worker.deliver_due()
        except Exception:
            log.exception("delivering webhooks failed; will retry")
            report = Report()
        # A full batch means more may be waiting: go again at once.
        if report.attempted < worker.batch:
            await asyncio.sleep(interval)
