"""customer.updated: a round of the sync sends each customer whose referral facts changed one
event with the facts as they stand (however many clicks came in between), and nothing when
nothing changed; the CRM exports carry the same facts."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from shareback import tokens
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import BROWSER_UA, db_rows, follow_link, join_campaign, order_paid, signed_headers


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app without its own rounds: the test runs them."""
    quiet = dataclasses.replace(settings, customer_sync_seconds=0)
    with TestClient(create_app(quiet), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


def sync(settings: Settings) -> int:
    async def run() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.sync_customer_facts(None, tokens.now_utc())
        finally:
            await store.close()

    return asyncio.run(run())


def events(settings: Settings) -> list[dict[str, Any]]:
    rows = db_rows(
        settings, "SELECT payload FROM outbox WHERE type = 'customer.updated' ORDER BY id"
    )
    return [json.loads(row[0]) for row in rows]


def paid(
    client: TestClient, secret: str, order_id: str, email: str, ref: str | None = None
) -> None:
    body = order_paid(order_id, email, "40.00", ref)
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, order_id)
    )
    assert answer.status_code == 200, answer.text


def test_referral_facts_are_sent_once_per_round_when_they_change(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    paid(client, webhook_secret, "1", "anna@example.nl")  # Anna is a customer
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    for _ in range(3):
        follow_link(client, code, "whatsapp")
    assert sync(settings) == 1
    [first] = events(settings)
    assert first["customer"]["email"] == "anna@example.nl"
    assert first["referral"]["advocate_code"] == code
    assert first["referral"]["clicks"] >= 1 and first["referral"]["friends_converted"] == 0
    assert sync(settings) == 0  # nothing changed: nothing sent
    ref = follow_link(client, code, "email")
    paid(client, webhook_secret, "2", "bram@example.nl", ref)
    assert sync(settings) == 1
    second = events(settings)[-1]
    assert second["referral"]["friends_converted"] == 1
    assert second["referral"]["rewards_earned"] == 1
    assert sync(settings) == 0
    # The friend's order is refunded: the reward is revoked, and the next round says so.
    refund = b'{"type": "order.refunded", "data": {"order_id": "2"}}'
    answer = client.post(
        "/webhooks/orders", content=refund, headers=signed_headers(webhook_secret, refund, "r2")
    )
    assert answer.json()["status"] == "recorded", answer.text
    assert sync(settings) == 1
    third = events(settings)[-1]
    assert (third["referral"]["friends_converted"], third["referral"]["rewards_earned"]) == (1, 0)
