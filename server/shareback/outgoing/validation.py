"""The reward validation callback: each due pending reward of a campaign with a validation_url is
POSTed to the shop, signed per Standard Webhooks; 2xx approves it, 4xx revokes it with the reason
the shop gives, anything else asks again later (the reward stays pending meanwhile). A 2xx whose
JSON body says {"fulfilled": true} also fulfils a reward the shop gives itself (custom, points)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from shareback import tokens
from shareback.outgoing.retry import backoff
from shareback.outgoing.worker import envelope, signed_headers
from shareback.storage.base import DueValidation, Store

log = logging.getLogger("shareback.validation")
EVENT_TYPE = "reward.validation"
MAX_REASON = 500
# "Too many requests" and "request timeout" are the shop being busy, not a verdict.
NOT_A_VERDICT = frozenset((408, 425, 429))


@dataclass(frozen=True)
class ValidationReport:
    approved: int = 0
    revoked: int = 0
    retrying: int = 0
    fulfilled: int = (
        0  # of the approved, those the shop said it gave too (custom ones become fulfilled)
    )


def validation_body(item: DueValidation, public_url: str, now: datetime) -> bytes:
    return envelope(EVENT_TYPE, now, item.payload, public_url)


def rejection_reason(response: httpx.Response) -> str:
    """{"reason": "…"} (or {"error": {"message": "…"}}), else the body's text, else the status."""
    reason: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        reason = body.get("reason") or (error.get("message") if isinstance(error, dict) else error)
    if not isinstance(reason, str) and body is None:
        reason = response.text
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    return text[:MAX_REASON] or f"rejected by the shop (HTTP {response.status_code})"


def says_fulfilled(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("fulfilled") is True


def verdict_of(status: int) -> str:
    if 200 <= status < 300:
        return "approved"
    if 400 <= status < 500 and status not in NOT_A_VERDICT:
        return "revoked"
    return "retry"


class RewardValidator:
    def __init__(
        self,
        store: Store,
        public_url: str,
        http: httpx.AsyncClient,
        *,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 20,
        concurrency: int = 4,
    ) -> None:
        self.store = store
        self.public_url = public_url
        self.http = http
        self.lease = lease
        self.batch = batch
        self.name = "validator-" + secrets.token_hex(4)
        self._limit = asyncio.Semaphore(concurrency)
        self._claimed_at = 0.0

    async def validate_due(self, now: datetime | None = None) -> ValidationReport:
        moment = now or tokens.now_utc()
        self._claimed_at = time.monotonic()  # one round at a time (approve_rewards_forever)
        claimed = await self.store.claim_validations(self.name, moment, self.lease, self.batch)
        verdicts = await asyncio.gather(*(self._ask(item, moment) for item in claimed))
        return ValidationReport(
            approved=verdicts.count("approved") + verdicts.count("fulfilled"),
            revoked=verdicts.count("revoked"),
            retrying=verdicts.count("retry"),
            fulfilled=verdicts.count("fulfilled"),
        )

    async def _ask(self, item: DueValidation, now: datetime) -> str:
        body = validation_body(item, self.public_url, now)
        # One id per reward: a retry is the same question, so the shop can recognise it.
        message_id = f"msg_reward_{item.reward_id}_validation"
        headers = signed_headers(item.secret, message_id, body)
        reason: str | None
        async with self._limit:
            if time.monotonic() - self._claimed_at > self.lease.total_seconds() / 2:
                return "skipped"  # the lease may lapse meanwhile (see DeliveryWorker._attempt)
            try:
                response = await self.http.post(item.url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                verdict, reason = "retry", f"{type(exc).__name__}: {exc}"[:MAX_REASON]
            else:
                verdict = verdict_of(response.status_code)
                if verdict == "approved" and says_fulfilled(response):
                    verdict = "fulfilled"
                reason = {
                    "approved": f"approved by the shop (HTTP {response.status_code})",
                    "fulfilled": f"approved and given by the shop (HTTP {response.status_code})",
                    "revoked": rejection_reason(response),
                    "retry": f"HTTP {response.status_code}",
                }[verdict]
        retry_at = now + backoff(item.attempts + 1) if verdict == "retry" else None
        await self.store.finish_validation(
            item.reward_id, self.name, verdict=verdict, reason=reason, retry_at=retry_at, now=now
        )
        if verdict == "retry":
            log.warning("validating reward %s at %s failed (%s)", item.reward_id, item.url, reason)
        return verdict
