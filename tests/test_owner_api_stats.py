"""GET /api/v1/campaigns/{slug}/stats: exact numbers for a scripted referral flow."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient
from support import SHOP, follow_link, join_campaign, order_paid, order_refunded, signed_headers
from test_owner_api import Owner, error_of
from test_owner_api import settings as settings  # the settings with the admin key


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def beacon(client: TestClient, **event: object) -> None:
    body = json.dumps({"campaign": "default", **event})
    headers = {"content-type": "text/plain", "origin": SHOP}
    assert client.post("/api/v1/events", content=body, headers=headers).status_code == 204


def send(client: TestClient, secret: str, body: bytes, message_id: str) -> None:
    headers = signed_headers(secret, body, message_id)
    assert client.post("/webhooks/orders", content=body, headers=headers).status_code == 200


def euros(minor: int) -> dict[str, object]:
    return {"amount_minor": minor, "amount": f"{minor // 100}.{minor % 100:02d}", "currency": "EUR"}


def test_stats_of_a_scripted_flow_are_exact(
    owner: Owner, client: TestClient, webhook_secret: str
) -> None:
    # 2 advocates; 5 widget opens; 4 shares (3 WhatsApp, 1 e-mail); 4 human clicks and a link
    # preview; 2 referred orders of €40, one refunded; 1 order of €20 without a referral.
    anna = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    bram = str(join_campaign(client, "bram@example.nl", "Bram")["code"])
    for _ in range(5):
        beacon(client, type="open")
    for _ in range(3):
        beacon(client, type="share", channel="whatsapp", code=anna)
    beacon(client, type="share", channel="email", code=bram)
    refs = [follow_link(client, anna, "whatsapp") for _ in range(3)] + [
        follow_link(client, bram, "email")
    ]
    client.get(
        f"/r/{anna}?ch=whatsapp", headers={"user-agent": "WhatsApp/2.23"}, follow_redirects=False
    )
    send(client, webhook_secret, order_paid("r1", "friend1@example.com", "40.00", refs[0]), "m1")
    send(client, webhook_secret, order_paid("r2", "friend2@example.com", "40.00", refs[3]), "m2")
    send(client, webhook_secret, order_paid("u1", "walkin@example.com", "20.00"), "m3")
    send(client, webhook_secret, order_refunded("r2"), "m4")

    stats = owner.get("/api/v1/campaigns/default/stats").json()
    today = datetime.now(UTC).date()
    assert (stats["campaign"], stats["currency"]) == ("default", "EUR")
    assert (stats["from"], stats["to"]) == (str(today - timedelta(days=29)), str(today))
    assert stats["counts"] == {
        "opens": 5,
        "shares": 4,
        "shares_by_channel": {"whatsapp": 3, "email": 1},
        "clicks": 4,
        "clicks_by_channel": {"whatsapp": 3, "email": 1},
        "bot_clicks": 1,
        "unique_visitors": 1,
        "new_advocates": 2,
        "sharing_advocates": 2,
        "conversions": 1,  # kept: the same number as referred_orders
        "refunded_conversions": 1,
        "cohort_conversions": 1,
        "referred_orders": 1,
        "all_orders": 2,
        # The referrers' (the friends' discounts were fulfilled at the checkout).
        "pending_rewards": 1,
        "approved_rewards": 0,
        "fulfilled_rewards": 2,  # both friends' discounts, given at the checkout
        "revoked_rewards": 1,
    }
    # The live referral: the friend's 10 % off left €40 of €44.44, so €4.44; the referrer's €5
    # credit. The refunded order's discount cost nothing: the whole order went back.
    assert stats["money"] == {
        "revenue": euros(4000),
        "reward_cost": euros(944),
        "referred_order_total": euros(4000),
        "all_order_total": euros(6000),
    }
    assert stats["kpis"] == {
        "conversion_rate": 0.25,  # 1 kept order / 4 clicks
        "share_rate": 0.8,
        "click_through": 1.0,
        "return_on_reward_spend": 4.24,
        "k_factor": 0.5,  # the cohort's 1 customer / 2 new advocates
        "aov_referred": euros(4000),
        "aov_all": euros(3000),
    }
    assert stats["funnel"] == [
        {"step": "opens", "count": 5},
        {"step": "shares", "count": 4},
        {"step": "clicks", "count": 4},
        {"step": "orders", "count": 1},
    ]
    assert len(stats["daily"]) == 30
    assert stats["daily"][-1] == {
        "date": str(today),
        "opens": 5,
        "shares": 4,
        "clicks": 4,
        "conversions": 1,
        "revenue": euros(4000),
    }
    assert all(day["clicks"] == 0 for day in stats["daily"][:-1])


def test_a_range_without_activity_has_no_rates(owner: Owner, client: TestClient) -> None:
    join_campaign(client, "anna@example.nl")
    stats = owner.get("/api/v1/campaigns/default/stats?from=2025-01-30&to=2025-02-02").json()
    assert [day["date"] for day in stats["daily"]] == [
        "2025-01-30",
        "2025-01-31",
        "2025-02-01",
        "2025-02-02",
    ]
    assert stats["counts"]["new_advocates"] == 0
    assert set(stats["kpis"].values()) == {None}
    assert stats["money"]["revenue"] == euros(0)


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("from=2025-13-01", "invalid_from", "from"),
        ("from=01-02-2025", "invalid_from", "from"),
        ("to=2025-02-30", "invalid_to", "to"),
        ("to=2025-02-01T00:00:00Z", "invalid_to", "to"),
        ("from=0001-01-01&to=0001-01-02", "invalid_from", "from"),
        ("to=9999-12-31", "invalid_to", "to"),
        ("from=2025-02-02&to=2025-02-01", "invalid_from", "from"),
        ("from=2024-01-01&to=2025-01-01", "invalid_to", "to"),
        ("since=2025-01-01", "unknown_parameter", "since"),
    ],
)
def test_bad_stats_ranges_are_400(owner: Owner, query: str, code: str, field: str) -> None:
    assert error_of(owner.get(f"/api/v1/campaigns/default/stats?{query}")) == (400, code, field)


def test_a_year_is_the_longest_range(owner: Owner) -> None:
    stats = owner.get("/api/v1/campaigns/default/stats?from=2024-01-01&to=2024-12-31").json()
    assert len(stats["daily"]) == 366
