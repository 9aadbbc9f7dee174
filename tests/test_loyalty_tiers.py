"""Loyalty tiers (issue 14): promoted at once when the friends who ordered reach a tier, demoted
when a refund takes them below it (or never, as the plan says), the tier's own offer for the
advocate and the friend, the tier in the widget's answer, advocate.tier_changed announced and
e-mailed in the advocate's language through a real SMTP server. Plans refused clearly."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mail_support import SmtpServer, send_rounds
from shareback.app import create_app
from shareback.settings import Settings
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

SECRET_KEY = "loyalty-test-secret-key-0123456789abcdef"
TIERS = {
    "tiers": {
        "basis": "referrals",
        "demotion": "on_refund",
        "levels": [
            {"key": "bronze", "name": "Brons", "from": 1},
            {
                "key": "silver",
                "name": "Zilver",
                "from": 3,
                "referrer_reward": {"type": "credit", "value": "7.50"},
                "friend_reward": {"type": "fixed_discount", "value": "10.00"},
            },
            {"key": "gold", "name": "Goud", "from": 5},
        ],
    }
}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return dataclasses.replace(
        settings,
        admin_api_key=ADMIN_KEY,
        secret_key=SECRET_KEY,
        smtp_url=smtp.url,
        email_from="Brandpunt Koffie <hello@brandpunt.example>",
        mail_interval_seconds=3600,  # the test drives the sender's rounds
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def joined(client: TestClient, email: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    """The widget's answer, as the JSON it is."""
    return json.loads(json.dumps(join_campaign(client, email, name, **extra)))  # type: ignore[no-any-return]


def paid(client: TestClient, secret: str, advocate: dict[str, Any], n: int, total: str) -> None:
    ref = follow_link(client, str(advocate["code"]))
    body = order_paid(f"T{n}", f"friend{n}@example.com", total, ref)
    for message in (f"paid-{n}", f"paid-{n}", f"paid-{n}-replay"):  # replays change nothing
        answer = client.post(
            "/webhooks/orders", content=body, headers=signed_headers(secret, body, message)
        )
        assert answer.status_code == 200, answer.text


def refunded(client: TestClient, secret: str, order_id: str) -> None:
    body = order_refunded(order_id)
    for message in (f"refund-{order_id}", f"refund-{order_id}-replay"):
        answer = client.post(
            "/webhooks/orders", content=body, headers=signed_headers(secret, body, message)
        )
        assert answer.status_code == 200, answer.text


def tier_events(settings: Settings) -> list[tuple[str | None, str | None, str, int]]:
    rows = db_rows(
        settings, "SELECT payload FROM outbox WHERE type = 'advocate.tier_changed' ORDER BY id"
    )
    found = []
    for row in rows:
        data = json.loads(row[0])
        before, after = data["previous_tier"], data["tier"]
        found.append(
            (
                before and before["name"],
                after and after["name"],
                data["direction"],
                data["friends_converted"],
            )
        )
    return found


def rewards_of(owner: Owner, side: str) -> list[tuple[str, str, str, str]]:
    rows = owner.get(f"/api/v1/rewards?side={side}&limit=100").json()["data"]
    return [(r["order_id"], r["type"], r["value"], r["status"]) for r in reversed(rows)]


def test_tiers_promote_at_once_demote_on_refund_and_carry_their_own_offer(
    client: TestClient, settings: Settings, webhook_secret: str, smtp: SmtpServer
) -> None:
    owner = Owner(client)
    owner.patch(
        "/api/v1/campaigns/default",
        json={
            "referrer_reward": {"type": "credit", "value": "5.00"},
            "friend_reward": {"type": "percent_discount", "value": "10"},
        },
    )
    stored = owner.put("/api/v1/campaigns/default/loyalty", json=TIERS)
    assert stored.status_code == 200, stored.text
    assert stored.json()["tiers"]["levels"][1]["from"] == 3
    anna = joined(client, "anna@example.nl", "Anna", lang="nl")
    assert anna["loyalty"] == {
        "friends_converted": 0,
        "tier": None,
        "next_tier": {"key": "bronze", "name": "Brons", "friends_needed": 1},
        "next_milestone": None,
        "cap": None,
    }
    for n in (1, 2, 3):
        paid(client, webhook_secret, anna, n, "40.00")
    assert tier_events(settings) == [
        (None, "Brons", "promoted", 1),
        ("Brons", "Zilver", "promoted", 3),
    ]
    shown = joined(client, "anna@example.nl", "Anna", lang="nl")
    assert shown["loyalty"]["tier"] == {"key": "silver", "name": "Zilver"}
    assert shown["loyalty"]["next_tier"] == {"key": "gold", "name": "Goud", "friends_needed": 2}
    assert shown["offer"] == {"referrer": "€\xa07,50 tegoed", "friend": "€\xa010 korting"}

    # The friend who follows Anna's link is offered Zilver's discount on the shop's landing.
    ref = follow_link(client, str(anna["code"]))
    landing = client.get(f"/api/v1/campaigns/default/widget?lang=nl&ref={ref}")
    assert landing.json()["friend"]["offer"] == "€\xa010 korting"

    # Zilver's fourth friend: the tier's offer on both sides, not the campaign's.
    paid(client, webhook_secret, anna, 4, "40.00")
    assert rewards_of(owner, "referrer") == [
        ("T1", "credit", "5.00", "pending"),
        ("T2", "credit", "5.00", "pending"),
        ("T3", "credit", "5.00", "pending"),
        ("T4", "credit", "7.50", "pending"),
    ]
    assert rewards_of(owner, "friend")[-1] == ("T4", "fixed_discount", "10.00", "fulfilled")

    # Two refunds: four friends, then three (still Zilver), then two: back to Brons.
    refunded(client, webhook_secret, "T4")
    assert len(tier_events(settings)) == 2
    refunded(client, webhook_secret, "T3")
    assert tier_events(settings)[-1] == ("Zilver", "Brons", "demoted", 2)
    assert joined(client, "anna@example.nl", "Anna")["loyalty"]["tier"]["name"] == "Brons"
    profile = owner.get(f"/api/v1/advocates/{advocate_id(owner)}/loyalty").json()
    assert (profile["tier"], profile["friends_converted"]) == (
        {"key": "bronze", "name": "Brons"},
        2,
    )
    assert profile["spend"] == {"amount": "80.00", "currency": "EUR"}

    # The e-mails, in Anna's language, one per change (the sender's rounds, as another process).
    send_rounds(settings, SECRET_KEY, [datetime.now(UTC) + timedelta(minutes=2)] * 4)
    subjects = [
        str(r.message["Subject"])
        for r in smtp.inbox.received
        if (r.rcpt_tos == ["anna@example.nl"] and "Brons" in str(r.message["Subject"]))
        or "Zilver" in str(r.message["Subject"])
    ]
    assert sorted(subjects) == sorted(
        [
            "Welkom bij Brons bij Brandpunt Koffie",
            "Welkom bij Zilver bij Brandpunt Koffie",
            "Je bent nu Brons bij Brandpunt Koffie",
        ]
    )
    promoted = next(
        r for r in smtp.inbox.received if str(r.message["Subject"]).startswith("Welkom bij Zilver")
    )
    assert "€\xa07,50 tegoed" in promoted.text and "€\xa010 korting" in promoted.html


def advocate_id(owner: Owner) -> int:
    found: int = owner.get("/api/v1/advocates?limit=1").json()["data"][0]["id"]
    return found


def test_a_tier_by_spend_once_reached_is_kept_when_demotion_is_never(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    owner = Owner(client)
    plan = {
        "tiers": {
            "basis": "spend",
            "demotion": "never",
            "levels": [{"key": "vip", "name": "VIP", "from": "75.00"}],
        }
    }
    stored = owner.put("/api/v1/campaigns/default/loyalty", json=plan).json()["tiers"]
    assert stored["levels"] == [
        {
            "key": "vip",
            "name": "VIP",
            "from": "75.00",
            "referrer_reward": None,
            "friend_reward": None,
        }
    ]
    anna = joined(client, "anna@example.nl", "Anna")
    paid(client, webhook_secret, anna, 1, "40.00")
    loyalty = joined(client, "anna@example.nl", "Anna")["loyalty"]
    assert loyalty["next_tier"] == {
        "key": "vip",
        "name": "VIP",
        "friends_needed": None,
        "spend_needed": {"amount": "35.00", "currency": "EUR"},
    }
    paid(client, webhook_secret, anna, 2, "40.00")
    assert tier_events(settings) == [(None, "VIP", "promoted", 2)]
    refunded(client, webhook_secret, "T2")
    assert tier_events(settings) == [(None, "VIP", "promoted", 2)]  # kept: demotion is never
    assert joined(client, "anna@example.nl", "Anna")["loyalty"]["tier"]["key"] == "vip"


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"cap": 0}, "cap"),
        ({"cap": "10"}, "cap"),
        (
            {"cap": 3, "milestones": [{"friends": 5, "reward": {"type": "credit", "value": "9"}}]},
            "milestones[0].friends",
        ),
        (
            {"milestones": [{"friends": 2, "reward": {"type": "percent_discount", "value": "9"}}]},
            "milestones[0].reward",
        ),
        (
            {"milestones": [{"friends": 2, "reward": {"type": "credit", "value": "1.001"}}]},
            "milestones[0].reward",
        ),
        (
            {"milestones": [{"friends": 2, "reward": {"type": "credit", "value": "1"}}] * 2},
            "milestones[1].friends",
        ),
        ({"tiers": {"basis": "age"}}, "tiers.basis"),
        ({"tiers": {"demotion": "sometimes"}}, "tiers.demotion"),
        (
            {"tiers": {"levels": [{"key": "Gold!", "name": "Goud", "from": 1}]}},
            "tiers.levels[0].key",
        ),
        ({"tiers": {"levels": [{"key": "gold", "name": "", "from": 1}]}}, "tiers.levels[0].name"),
        (
            {
                "tiers": {
                    "levels": [
                        {"key": "a", "name": "A", "from": 3},
                        {"key": "b", "name": "B", "from": 3},
                    ]
                }
            },
            "tiers.levels[1].from",
        ),
        (
            {"tiers": {"basis": "spend", "levels": [{"key": "a", "name": "A", "from": 3}]}},
            "tiers.levels[0].from",
        ),
        (
            {
                "tiers": {
                    "levels": [
                        {
                            "key": "a",
                            "name": "A",
                            "from": 1,
                            "friend_reward": {"type": "cash", "value": "5"},
                        }
                    ]
                }
            },
            "tiers.levels[0].friend_reward",
        ),
        ({"milestones": "five"}, "milestones"),
        ({"caps": 10}, "caps"),
        ({"tiers": {"levels": [], "colour": "gold"}}, "tiers.colour"),
        ({"tiers": None}, "tiers"),
        ({"milestones": None}, "milestones"),
        (
            {"milestones": [{"friends": 2, "reward": {"type": "credit", "value": "1", "x": 1}}]},
            "milestones[0].reward.x",
        ),
    ],
)
def test_a_plan_the_rules_refuse_is_a_422_naming_the_field(
    client: TestClient, plan: dict[str, Any], field: str
) -> None:
    owner = Owner(client)
    answer = owner.put("/api/v1/campaigns/default/loyalty", json=plan)
    status, _, named = error_of(answer)
    assert (status, named) == (422, field), answer.text
    assert owner.get("/api/v1/campaigns/default/loyalty").json()["cap"] is None  # nothing kept


def test_an_empty_plan_clears_the_loyalty_and_the_widget_shows_none(client: TestClient) -> None:
    owner = Owner(client)
    assert owner.put("/api/v1/campaigns/default/loyalty", json={"cap": 4}).json()["cap"] == 4
    assert joined(client, "anna@example.nl", "Anna")["loyalty"]["cap"] == 4
    # Someone who merely knows the address (no signed identity) sees no one's progress.
    assert joined(client, "anna@example.nl", signed=False)["loyalty"] is None
    assert owner.put("/api/v1/campaigns/default/loyalty", json={}).json() == {
        "cap": None,
        "milestones": [],
        "tiers": {"basis": "referrals", "demotion": "on_refund", "levels": []},
    }
    assert joined(client, "anna@example.nl", "Anna")["loyalty"] is None
