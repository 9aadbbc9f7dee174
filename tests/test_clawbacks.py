"""The whole order lifecycle after approval: refunds and chargebacks leave clawbacks, once; the
friend's checkout discount, given by the shop's checkout, is never owed back."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import (
    cash_for_the_referrer,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)

KEY = "clawback-test-key-0123456789"


@pytest.fixture
def owner(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(dataclasses.replace(settings, admin_api_key=KEY))) as client:
        yield client


def deliver(client: TestClient, secret: str, body: bytes, message_id: str) -> dict[str, object]:
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def approved_referral(client: TestClient, settings: Settings, secret: str) -> None:
    if not db_rows(settings, "SELECT 1 FROM campaigns WHERE referrer_reward_type <> 'credit'"):
        cash_for_the_referrer(settings)  # approved, it waits for its payout batch
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    ref = follow_link(client, code, "whatsapp")
    assert (
        deliver(client, secret, order_paid("1001", "friend@example.com", "59.90", ref), "paid")[
            "status"
        ]
        == "recorded"
    )

    async def approve() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(datetime.now(UTC) + timedelta(days=15))
        finally:
            await store.close()

    assert asyncio.run(approve()) == 1  # the referrer's: the friend's was fulfilled at checkout


def clawbacks(settings: Settings) -> list[tuple[str, int | None, str]]:
    rows = db_rows(
        settings,
        "SELECT w.side, k.amount_minor, k.reason FROM clawbacks k JOIN rewards w ON w.id = k.reward_id ORDER BY k.id",
    )
    return [(row[0], row[1], row[2]) for row in rows]


def test_a_refund_after_approval_claws_both_rewards_back(
    owner: TestClient, settings: Settings, webhook_secret: str
) -> None:
    approved_referral(owner, settings, webhook_secret)
    result = deliver(owner, webhook_secret, order_refunded("1001"), "refund")
    assert result == {"status": "recorded", "reason": "refunded", "rewards_clawed_back": 1}
    assert sorted(clawbacks(settings)) == [("referrer", 500, "refund")]
    # The referrer's stays approved (it may have been paid out); the owner sees what is owed back.
    statuses = db_rows(settings, "SELECT side, status FROM rewards ORDER BY side")
    assert [tuple(row) for row in statuses] == [("friend", "fulfilled"), ("referrer", "approved")]
    listed = owner.get("/api/v1/rewards", headers={"authorization": f"Bearer {KEY}"}).json()["data"]
    owed = {r["side"]: r["clawed_back"] for r in listed}
    assert owed == {
        "friend": None,  # given at the checkout: nothing is "owed back" by the friend
        "referrer": {"amount_minor": 500, "amount": "5.00", "currency": "EUR"},
    }
    events = [
        row[0]
        for row in db_rows(settings, "SELECT type FROM outbox WHERE type = 'reward.clawed_back'")
    ]
    assert len(events) == 1
    payload = json.loads(
        db_rows(settings, "SELECT payload FROM outbox WHERE type = 'reward.clawed_back'")[0][0]
    )
    assert payload["clawback"]["reason"] == "refund" and payload["reward"]["status"] == "approved"
    # Replayed, the refund changes nothing.
    assert deliver(owner, webhook_secret, order_refunded("1001"), "refund")["status"] == "duplicate"
    assert len(clawbacks(settings)) == 1


def test_partial_then_full_refund_claws_back_in_proportion_and_never_twice(
    owner: TestClient, settings: Settings, webhook_secret: str
) -> None:
    percent = {"referrer_reward": {"type": "percent_discount", "value": "10"}}
    patched = owner.patch(
        "/api/v1/campaigns/default", json=percent, headers={"authorization": f"Bearer {KEY}"}
    )
    assert patched.status_code == 200, patched.text
    approved_referral(owner, settings, webhook_secret)
    partial = json.dumps(
        {"type": "order.refunded", "data": {"order_id": "1001", "amount": "20.00"}}
    ).encode()
    result = deliver(owner, webhook_secret, partial, "partial")
    assert result == {
        "status": "recorded",
        "reason": "partially_refunded",
        "rewards_clawed_back": 1,
    }
    # 10 % of €59.90 was €5.99; of the €39.90 kept it is €3.99: €2.00 back. The friend's discount
    # was what the checkout gave: never owed back.
    assert clawbacks(settings) == [("referrer", 200, "partial_refund")]
    deliver(owner, webhook_secret, order_refunded("1001"), "full")
    assert sorted(clawbacks(settings)) == [
        ("referrer", 200, "partial_refund"),
        ("referrer", 399, "refund"),
    ]


def test_a_chargeback_revokes_pending_rewards_with_its_reason(
    owner: TestClient, settings: Settings, webhook_secret: str
) -> None:
    code = str(join_campaign(owner, "anna@example.nl", "Anna")["code"])
    ref = follow_link(owner, code)
    deliver(owner, webhook_secret, order_paid("7", "friend@example.com", "30.00", ref), "paid")
    body = json.dumps({"type": "order.charged_back", "data": {"order_id": "7"}}).encode()
    result = deliver(owner, webhook_secret, body, "dispute")
    assert result == {"status": "recorded", "reason": "charged_back", "rewards_revoked": 1}
    rows = db_rows(settings, "SELECT side, status, revoke_reason FROM rewards ORDER BY side")
    assert [tuple(r) for r in rows] == [
        ("friend", "fulfilled", None),
        ("referrer", "revoked", "chargeback"),
    ]
    assert clawbacks(settings) == []


def test_a_chargeback_after_approval_leaves_a_chargeback_clawback(
    owner: TestClient, settings: Settings, webhook_secret: str
) -> None:
    approved_referral(owner, settings, webhook_secret)
    body = json.dumps({"type": "order.charged_back", "data": {"order_id": "1001"}}).encode()
    assert deliver(owner, webhook_secret, body, "dispute")["rewards_clawed_back"] == 1
    assert {reason for _, _, reason in clawbacks(settings)} == {"chargeback"}


def test_the_payout_csv_shows_what_is_owed_back(
    owner: TestClient, settings: Settings, webhook_secret: str
) -> None:
    import csv
    import io

    approved_referral(owner, settings, webhook_secret)
    deliver(owner, webhook_secret, order_refunded("1001"), "refund")
    response = owner.get(
        "/api/v1/exports/rewards.csv?status=approved", headers={"authorization": f"Bearer {KEY}"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {
        (row["side"], row["clawed_back"], row["clawed_back_amount"], row["clawed_back_minor"])
        for row in rows
    } == {("referrer", "true", "5.00", "500")}
