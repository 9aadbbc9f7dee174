"""Partial refunds through /webhooks/orders: rewards worth a share of the order shrink, once.
The referrer's reward here is 10 % of the order (a coupon); the friend's 10 % was given at the
checkout, fulfilled there and never shrunk, revoked or owed back."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx2
import pytest
from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.records import CampaignChanges
from starlette.testclient import TestClient
from support import (
    count,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)


def deliver(client: TestClient, secret: str, body: bytes, message_id: str) -> httpx2.Response:
    return client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )


def partial_refund(order_id: str, amount: object, **extra: object) -> bytes:
    data = {"order_id": order_id, "amount": amount, **extra}
    return json.dumps({"type": "order.refunded", "data": data}).encode()


def reward_amounts(settings: Settings) -> dict[str, tuple[int, str]]:
    rows = db_rows(settings, "SELECT side, amount_minor, status FROM rewards")
    return {r["side"]: (r["amount_minor"], r["status"]) for r in rows}


def percent_for_the_referrer(settings: Settings) -> None:
    async def change() -> None:
        store = await open_store(settings.database_url)
        try:
            spec = RewardSpec("percent_discount", "10")
            await store.update_campaign("default", CampaignChanges(referrer_reward=spec))
        finally:
            await store.close()

    asyncio.run(change())


def referred_order(
    client: TestClient, secret: str, settings: Settings, total: str = "59.90"
) -> None:
    percent_for_the_referrer(settings)
    doc = join_campaign(client, "anna@example.nl", "Anna")
    ref = follow_link(client, str(doc["code"]))
    body = order_paid("1001", "friend@example.com", total, ref)
    assert deliver(client, secret, body, "msg_paid").json()["status"] == "recorded"


def test_a_partial_refund_shrinks_the_percentage_reward_in_proportion(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret, settings)
    # The friend's 10 %: €59.90 is what was left of €66.56 after it, so it was €6.66.
    assert reward_amounts(settings) == {"friend": (666, "fulfilled"), "referrer": (599, "pending")}
    result = deliver(client, webhook_secret, partial_refund("1001", "20.00"), "msg_r1").json()
    assert result == {"status": "recorded", "reason": "partially_refunded", "rewards_reduced": 1}
    # 10 % of the 39.90 kept; the discount the checkout gave stays what it was.
    assert reward_amounts(settings) == {"friend": (666, "fulfilled"), "referrer": (399, "pending")}
    assert db_rows(settings, "SELECT status, refunded_minor FROM orders")[0][:] == ("paid", 2000)


def test_the_same_partial_refund_counts_once(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret, settings)
    body = partial_refund("1001", "20.00", refund_id="re_1")
    assert deliver(client, webhook_secret, body, "msg_r1").json()["status"] == "recorded"
    assert deliver(client, webhook_secret, body, "msg_r1").json() == {
        "status": "duplicate",
        "reason": "message_already_processed",
    }
    # The shop re-sends the refund as a new message: the refund id still makes it one refund.
    assert deliver(client, webhook_secret, body, "msg_r2").json() == {
        "status": "duplicate",
        "reason": "refund_already_recorded",
    }
    assert reward_amounts(settings)["referrer"] == (399, "pending")
    assert db_rows(settings, "SELECT refunded_minor FROM orders")[0][0] == 2000


def test_partial_refunds_adding_up_to_the_total_refund_the_whole_order(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret, settings)
    first = deliver(client, webhook_secret, partial_refund("1001", "20.00"), "msg_r1").json()
    second = deliver(client, webhook_secret, partial_refund("1001", "39.90"), "msg_r2").json()
    assert first["reason"] == "partially_refunded"
    assert second == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}
    assert {side: r[1] for side, r in reward_amounts(settings).items()} == {
        "friend": "fulfilled",
        "referrer": "revoked",
    }
    assert tuple(db_rows(settings, "SELECT status, refunded_minor FROM orders")[0]) == (
        "refunded",
        5990,
    )
    late = deliver(client, webhook_secret, partial_refund("1001", "1.00"), "msg_r3").json()
    assert late == {"status": "duplicate", "reason": "order_already_refunded"}


def test_a_refund_larger_than_the_order_is_a_full_refund(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret, settings)
    result = deliver(client, webhook_secret, partial_refund("1001", 100), "msg_r1").json()
    assert result == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}


def test_partial_refunds_of_unknown_orders_wait_and_other_currencies_are_ignored(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret, settings)
    unknown = deliver(client, webhook_secret, partial_refund("9999", "1.00"), "m1").json()
    other = deliver(
        client, webhook_secret, partial_refund("1001", "1.00", currency="usd"), "m2"
    ).json()
    assert unknown == {"status": "recorded", "reason": "awaiting_order"}
    assert other == {"status": "ignored", "reason": "currency_mismatch"}
    assert reward_amounts(settings)["referrer"] == (599, "pending")
    assert (count(settings, "order_refunds"), count(settings, "pending_adjustments")) == (0, 1)


def test_a_partial_refund_after_approval_keeps_the_reward_and_claws_back_the_difference(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret, settings)

    async def approve() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(datetime.now(UTC) + timedelta(days=15))
        finally:
            await store.close()

    assert asyncio.run(approve()) == 1
    result = deliver(client, webhook_secret, partial_refund("1001", "20.00"), "msg_r1").json()
    assert result == {
        "status": "recorded",
        "reason": "partially_refunded",
        "rewards_clawed_back": 1,
    }
    # The referrer's coupon was issued on approval: its amount stands; what is owed back is a
    # clawback.
    assert reward_amounts(settings) == {
        "friend": (666, "fulfilled"),
        "referrer": (599, "fulfilled"),
    }
    assert [tuple(r) for r in db_rows(settings, "SELECT amount_minor, reason FROM clawbacks")] == [
        (200, "partial_refund")
    ]


def test_an_order_refunded_without_amount_still_refunds_the_whole_order(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret, settings)
    result = deliver(client, webhook_secret, order_refunded("1001"), "msg_r1").json()
    assert result == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}
    assert db_rows(settings, "SELECT refunded_minor FROM orders")[0][0] == 5990


@pytest.mark.parametrize(
    ("amount", "extra"),
    [
        ("ten", {}),
        ("-1.00", {}),
        ("0", {}),
        ("1.0001", {}),
        (True, {}),
        ([1], {}),
        ("NaN", {}),
        ("1.00", {"refund_id": ""}),
        ("1.00", {"refund_id": ["x"]}),
        ("1.00", {"currency": "euro"}),
    ],
)
def test_bad_refund_amounts_are_4xx_and_write_nothing(
    client: TestClient,
    settings: Settings,
    webhook_secret: str,
    amount: object,
    extra: dict[str, object],
) -> None:
    referred_order(client, webhook_secret, settings)
    response = deliver(client, webhook_secret, partial_refund("1001", amount, **extra), "msg_r1")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_order" and error["field"].startswith("data.")
    assert (count(settings, "order_refunds"), count(settings, "pending_adjustments")) == (0, 0)
    assert count(settings, "webhook_messages") == 1  # only the order.paid
