"""Issue 10's "must show": a scripted month in which each kind of reward reaches fulfilled, a
refund claws one back, and a payout batch is made, exported (the SEPA file valid against the
pain.001.001.03 XSD) and marked paid; a second batch never takes a reward already paid."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sepaxml
import xmlschema
from shareback import fulfilment
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)
from test_owner_api import ADMIN_KEY, Owner, error_of

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
FRIEND = {"type": "percent_discount", "value": "10"}
# One campaign per kind of referrer reward (the friend gets 10 % off at the checkout in each).
CAMPAIGNS = {
    "default": {"type": "credit", "value": "5.00"},
    "cash": {"type": "cash", "value": "7.50"},
    "coupon": {"type": "coupon", "value": "10"},
    "gift": {"type": "custom", "value": "0"},
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        admin_api_key=ADMIN_KEY,
        payout_name="Brandpunt Koffie",
        payout_iban="NL44RABO0123456789",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def send(client: TestClient, secret: str, body: bytes, message_id: str) -> dict[str, Any]:
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def days_later(settings: Settings, days: int) -> int:
    """The scheduler's round on that day (the app's own loop runs at start only)."""

    async def go() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(datetime.now(UTC) + timedelta(days=days))
        finally:
            await store.close()

    return asyncio.run(go())


def rewards_by_order(owner: Owner) -> dict[str, dict[str, Any]]:
    rows = owner.get("/api/v1/rewards?side=referrer&limit=200").json()["data"]
    return {r["order_id"]: r for r in rows}


def test_a_month_of_rewards_from_the_checkout_to_the_bank(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    owner = Owner(client)
    for slug, reward in CAMPAIGNS.items():
        fields = {"referrer_reward": reward, "friend_reward": FRIEND}
        if slug == "default":
            assert owner.patch("/api/v1/campaigns/default", json=fields).status_code == 200
            continue
        made = owner.post(
            "/api/v1/campaigns",
            json={"slug": slug, "name": slug.title(), "landing_url": "http://shop.test/", **fields},
        )
        assert made.status_code == 201, made.text
    for slug in CAMPAIGNS:  # the widget is embedded on the shop's own origin in every campaign
        owner.patch(f"/api/v1/campaigns/{slug}", json={"allowed_origins": ["http://shop.test"]})

    # Day 1: an advocate per campaign; friends buy €23.31 of a €25.90 basket (10 % off).
    advocates = {
        slug: join_campaign(client, f"{slug}@example.nl", slug.title(), campaign=slug)
        for slug in CAMPAIGNS
    }
    orders = {"default": ["credit-1"], "cash": ["cash-1", "cash-2"], "coupon": ["coupon-1"]}
    orders["gift"] = ["gift-1"]
    for slug, order_ids in orders.items():
        for order_id in order_ids:
            ref = follow_link(client, str(advocates[slug]["code"]))
            body = order_paid(
                order_id,
                f"friend-{order_id}@example.com",
                "23.31",
                ref,
                subtotal="25.90",
                discount="2.59",
            )
            assert send(client, webhook_secret, body, f"m-{order_id}")["status"] == "recorded"
    friends = owner.get("/api/v1/rewards?side=friend&limit=200").json()["data"]
    assert {(f["status"], f["fulfilment"], f["amount"]["amount"]) for f in friends} == {
        ("fulfilled", "checkout", "2.59")
    }

    # Day 15: the hold ends. Credit and the coupon are issued at once; cash and the gift wait.
    assert days_later(settings, 15) == 5
    month = rewards_by_order(owner)
    assert {order_id: (r["status"], r["fulfilment"]) for order_id, r in month.items()} == {
        "credit-1": ("fulfilled", "credit"),
        "cash-1": ("approved", "payout"),
        "cash-2": ("approved", "payout"),
        "coupon-1": ("fulfilled", "coupon"),
        "gift-1": ("approved", "shop"),
    }
    coupon = join_campaign(client, "coupon@example.nl", "Coupon", campaign="coupon")
    coupons = coupon["reward_coupons"]
    assert isinstance(coupons, list) and len(coupons) == 1
    code = str(coupons[0])
    assert code.startswith("THANKS-")
    announced = [
        json.loads(row[0])["reward"]
        for row in db_rows(settings, "SELECT payload FROM outbox WHERE type = 'reward.fulfilled'")
    ]
    assert code in {r["coupon_code"] for r in announced}

    # The shop hands over the gift and says so.
    gift = owner.post(f"/api/v1/rewards/{month['gift-1']['id']}/fulfil", json={"reason": "sent"})
    assert gift.json()["status"] == "fulfilled"

    # Day 20: the owner pays the cash rewards in one batch.
    cash_code = advocates["cash"]["code"]
    owner.put(
        f"/api/v1/advocates/{cash_code}/payout-account",
        json={"holder_name": "Cash de Vries", "iban": "NL91ABNA0417164300"},
    )
    cash_ids = [month["cash-1"]["id"], month["cash-2"]["id"]]
    batch = owner.post("/api/v1/payout-batches", json={"reward_ids": cash_ids}).json()
    assert (batch["transfers"], batch["total"]["amount"]) == (2, "15.00")
    sepa = owner.get(batch["sepa_url"]).text
    xmlschema.XMLSchema(str(XSD)).validate(sepa)
    assert owner.get(batch["csv_url"]).status_code == 200
    assert owner.post(f"/api/v1/payout-batches/{batch['id']}/paid").json()["status"] == "paid"

    # Day 25: cash-2's friend returns everything: the paid €7.50 is owed back, the friend's
    # discount never is.
    refund = send(client, webhook_secret, order_refunded("cash-2"), "r-cash-2")
    assert refund == {"status": "recorded", "reason": "refunded", "rewards_clawed_back": 1}
    after = rewards_by_order(owner)
    assert (after["cash-2"]["status"], after["cash-2"]["clawed_back"]["amount"]) == (
        "fulfilled",
        "7.50",
    )
    friend = next(f for f in friends if f["order_id"] == "cash-2")
    assert owner.get(f"/api/v1/rewards/{friend['id']}").json()["clawed_back"] is None

    # A second batch never takes a paid reward.
    again = owner.post("/api/v1/payout-batches", json={"reward_ids": cash_ids})
    assert error_of(again)[:2] == (409, "nothing_to_pay")
    assert owner.get("/api/v1/payouts/payable").json()["data"] == []

    # Day 28: the credit advocate shops with her €5: looked up, spent at the checkout once.
    balance = owner.get("/api/v1/credit", params={"email": "default@example.nl"}).json()
    assert balance["balance"]["amount"] == "5.00"
    own = order_paid("own-1", "default@example.nl", "40.00", store_credit="5.00")
    assert send(client, webhook_secret, own, "m-own")["credit_redeemed"] == "5.00"
    assert send(client, webhook_secret, own, "m-own-resent")["credit_redeemed"] == "5.00"
    balance = owner.get("/api/v1/credit", params={"email": "default@example.nl"}).json()
    assert balance["balance"]["amount"] == "0.00" and len(balance["entries"]) == 2

    # The month's end: every way a reward reaches people was taken.
    every = owner.get("/api/v1/rewards?status=fulfilled&limit=200").json()["data"]
    assert {r["fulfilment"] for r in every} == set(fulfilment.METHODS)
    assert {r["type"] for r in every} == {"percent_discount", "credit", "cash", "coupon", "custom"}
    assert owner.get("/api/v1/rewards?status=approved").json()["data"] == []
