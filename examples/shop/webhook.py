"""Telling Shareback about orders: Standard Webhooks signing and delivery with retries.

This is the part of the demo shop that a real shop's backend copies. Each event is
one compact JSON body, sent as POST with three headers:

    webhook-id         unique per message ("msg_..."); a retry reuses it
    webhook-timestamp  Unix time in seconds
    webhook-signature  "v1," + base64(HMAC-SHA256(secret, f"{id}.{timestamp}." + body))

where the secret is the bytes behind the "whsec_" prefix (base64). See
https://www.standardwebhooks.com/ and the spec's reference libraries.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx

TIMEOUT_SECONDS = 10.0
RETRIES = 3
KNOWN_STATUSES = ("recorded", "duplicate", "ignored")


def sign_webhook(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The value of the `webhook-signature` header."""
    encoded = secret.removeprefix("whsec_")
    key = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    signed_content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed_content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(
    secret: str, msg_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign_webhook(secret, msg_id, timestamp, body),
        "content-type": "application/json",
    }


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(12)


def encode_event(event_type: str, data: dict[str, Any]) -> bytes:
    return json.dumps(
        {"type": event_type, "data": data}, separators=(",", ":"), ensure_ascii=False
    ).encode()


@dataclass(frozen=True)
class Delivery:
    """What happened to one message: Shareback's answer, or why there was none."""

    msg_id: str
    attempts: int
    http_status: int | None = None
    status: str | None = None  # "recorded" | "duplicate" | "ignored", from Shareback
    reason: str | None = None
    error: str | None = None  # set when Shareback did not accept the message

    @property
    def delivered(self) -> bool:
        return self.status is not None


async def send_webhook(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    event_type: str,
    data: dict[str, Any],
    *,
    retries: int = RETRIES,
    backoff_seconds: float = 0.25,
) -> Delivery:
    """POST one event; retry network errors and 5xx answers with the same webhook-id."""
    msg_id = new_message_id()
    body = encode_event(event_type, data)
    error = "not sent"
    for attempt in range(1, retries + 2):
        # A fresh timestamp per attempt, so a slow retry is not rejected as stale.
        headers = webhook_headers(secret, msg_id, body)
        try:
            response = await client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        else:
            if response.status_code < 500:
                return _read_answer(msg_id, attempt, response)
            error = f"HTTP {response.status_code}"
        if attempt <= retries:
            await asyncio.sleep(backoff_seconds * attempt)
    return Delivery(msg_id=msg_id, attempts=retries + 1, error=error)


def _read_answer(msg_id: str, attempts: int, response: httpx.Response) -> Delivery:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    if response.is_success and answer.get("status") in KNOWN_STATUSES:
        reason = answer.get("reason")
        return Delivery(
            msg_id=msg_id,
            attempts=attempts,
            http_status=response.status_code,
            status=str(answer["status"]),
            reason=str(reason) if reason is not None else None,
        )
    problem = answer.get("error")
    message = problem.get("message") if isinstance(problem, dict) else None
    return Delivery(
        msg_id=msg_id,
        attempts=attempts,
        http_status=response.status_code,
        error=str(message) if message else f"HTTP {response.status_code}",
    )
