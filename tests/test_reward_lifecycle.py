"""The reward lifecycle through HTTP: the order webhook's subtotal and discount, the friend's
discount recorded as the shop gave it, and rewards the shop gives itself fulfilled through the
owner's API (custom rewards and points), each change audited and announced."""

from __future__ import annotations

import json
from typing import Any

import pytest
from shareback.settings import Settings
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
from test_owner_api import Owner, error_of
from test_owner_api import settings as settings  # the settings with the admin key


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def send(client: TestClient, secret: str, body: bytes, message_id: str) -> dict[str, Any]:
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def referred(client: TestClient, secret: str, order_id: str, **data: Any) -> dict[str, Any]:
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    body = order_paid(
        order_id, f"friend{order_id}@example.com", ref=follow_link(client, code), **data
    )
    return send(client, secret, body, f"m{order_id}")


def friend_reward(owner: Owner, order_id: str) -> dict[str, Any]:
    rewards = owner.get("/api/v1/rewards?side=friend&limit=200").json()["data"]
    found: dict[str, Any] = next(r for r in rewards if r["order_id"] == order_id)
    return found


def test_the_friends_discount_is_what_the_shop_gave_not_a_share_of_what_was_left(
    client: TestClient, owner: Owner, settings: Settings, webhook_secret: str
) -> None:
    """The walk-through's €25.90 basket, 10 % off, €23.31 paid: the discount was €2.59."""
    referred(client, webhook_secret, "given", total="23.31", subtotal="25.90", discount="2.59")
    referred(client, webhook_secret, "subtotal", total="23.31", subtotal="25.90")
    referred(client, webhook_secret, "old", total="23.31")  # a shop that sends neither
    for order_id in ("given", "subtotal", "old"):
        reward = friend_reward(owner, order_id)
        assert reward["amount"]["amount"] == "2.59", order_id
        assert (reward["status"], reward["fulfilment"]) == ("fulfilled", "checkout")
        history = owner.get(f"/api/v1/rewards/{reward['id']}").json()["history"]
        assert [(h["to_status"], h["actor"]) for h in history] == [("fulfilled", "webhook:orders")]
    orders = db_rows(
        settings, "SELECT order_id, subtotal_minor, discount_minor FROM orders ORDER BY id"
    )
    assert [tuple(row) for row in orders] == [
        ("given", 2590, 259),
        ("subtotal", 2590, None),
        ("old", None, None),
    ]
    # A shop giving less than the campaign says (a cap, a rounding): what it gave is kept.
    referred(client, webhook_secret, "capped", total="48.00", subtotal="50.00", discount="2.00")
    assert friend_reward(owner, "capped")["amount"]["amount"] == "2.00"
    # Never owed back: the refund returns what was paid after the discount.
    assert send(client, webhook_secret, order_refunded("given"), "r1")["rewards_revoked"] == 1
    after = friend_reward(owner, "given")
    assert (after["status"], after["clawed_back"]) == ("fulfilled", None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subtotal": "-1.00"}, "data.subtotal"),
        ({"subtotal": "lots"}, "data.subtotal"),
        ({"subtotal": [25]}, "data.subtotal"),
        ({"discount": "2.591"}, "data.discount"),
        ({"discount": True}, "data.discount"),
        ({"discount": "-0.01"}, "data.discount"),
        ({"subtotal": "10.00", "discount": "10.01"}, "data.discount"),
        ({"discount": "1e999999"}, "data.discount"),
    ],
)
def test_a_bad_subtotal_or_discount_is_a_422_naming_the_field(
    client: TestClient, settings: Settings, webhook_secret: str, data: dict[str, Any], field: str
) -> None:
    body = order_paid("1", "friend@example.com", "23.31", **data)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1")
    )
    assert response.status_code == 422, response.text
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (
        "invalid_order",
        field,
    )
    assert db_rows(settings, "SELECT COUNT(*) FROM orders")[0][0] == 0


def test_what_the_shop_gives_itself_is_fulfilled_through_the_owners_api(
    client: TestClient, owner: Owner, settings: Settings, webhook_secret: str
) -> None:
    changed = owner.patch(
        "/api/v1/campaigns/default",
        json={"referrer_reward": {"type": "custom", "value": "0"}},
    )
    assert changed.status_code == 200, changed.text
    referred(client, webhook_secret, "1")
    referred(client, webhook_secret, "2")
    gifts = owner.get("/api/v1/rewards?side=referrer").json()["data"]
    assert {(g["type"], g["fulfilment"], g["status"]) for g in gifts} == {
        ("custom", "shop", "pending")
    }
    first, second = (g["id"] for g in gifts)
    assert error_of(owner.post(f"/api/v1/rewards/{first}/fulfil")) == (
        409,
        "reward_already_pending",
        None,
    )
    friend = friend_reward(owner, "1")["id"]
    # Already fulfilled at the checkout: answered as done, nothing recorded.
    given = owner.post(f"/api/v1/rewards/{friend}/fulfil").json()
    assert (given["status"], len(given["history"])) == ("fulfilled", 1)
    owner.post("/api/v1/rewards/bulk", json={"ids": [first, second], "action": "approve"})
    done = owner.post(f"/api/v1/rewards/{first}/fulfil", json={"reason": "sent the tote bag"})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["fulfilled_at"] is not None) == ("fulfilled", True)
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in done.json()["history"]] == [
        ("pending", "approved", None),
        ("approved", "fulfilled", "sent the tote bag"),
    ]
    # Saying it again is answered as done, and recorded once.
    again = owner.post(f"/api/v1/rewards/{first}/fulfil")
    assert again.status_code == 200 and len(again.json()["history"]) == 2
    bulk = owner.post(
        "/api/v1/rewards/bulk", json={"ids": [first, second, friend], "action": "fulfil"}
    ).json()
    assert [r["id"] for r in bulk["changed"]] == [second]
    assert [(s["id"], s["code"]) for s in bulk["skipped"]] == [
        (first, "reward_already_fulfilled"),
        (friend, "reward_already_fulfilled"),
    ]
    fulfilled = db_rows(settings, "SELECT payload FROM outbox WHERE type = 'reward.fulfilled'")
    # Two gifts, and the two friends' discounts given at the checkout.
    assert sorted(json.loads(r[0])["reward"]["fulfilment"] for r in fulfilled) == [
        "checkout",
        "checkout",
        "shop",
        "shop",
    ]


def test_cash_is_not_fulfilled_by_saying_so_and_credit_is_issued_on_approval(
    client: TestClient, owner: Owner, settings: Settings, webhook_secret: str
) -> None:
    referred(client, webhook_secret, "1")  # the default campaign: €5 credit for the referrer
    [credit] = owner.get("/api/v1/rewards?side=referrer").json()["data"]
    approved = owner.post(f"/api/v1/rewards/{credit['id']}/approve").json()
    assert (approved["status"], approved["fulfilment"]) == ("fulfilled", "credit")
    assert [(h["to_status"], h["reason"]) for h in approved["history"]] == [
        ("approved", None),
        ("fulfilled", "added to the credit balance"),
    ]
    balance = owner.get("/api/v1/credit", params={"email": "ANNA@example.nl"}).json()
    assert balance["balance"]["amount"] == "5.00"
    assert [(e["kind"], e["reward_id"]) for e in balance["entries"]] == [("reward", credit["id"])]
    # Approving again is answered as done; nothing is credited twice.
    again = owner.post(f"/api/v1/rewards/{credit['id']}/approve")
    assert again.status_code == 200 and len(again.json()["history"]) == 2
    cash_for_the_referrer(settings)
    referred(client, webhook_secret, "2")
    [cash, _] = owner.get("/api/v1/rewards?side=referrer").json()["data"]
    owner.post(f"/api/v1/rewards/{cash['id']}/approve")
    assert error_of(owner.post(f"/api/v1/rewards/{cash['id']}/fulfil")) == (
        409,
        "reward_not_fulfilled_by_shop",
        None,
    )
