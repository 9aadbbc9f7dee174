"""Issue 14's "must show": a Dropbox-style month. €5 credit per friend, a €25 bonus at the fifth
and a gift at the tenth, no per-friend reward past ten friends; twelve friends order, one is
refunded inside the hold period after the fifth, every delivery is replayed, and orders and
refunds arrive at two `shareback serve` processes at once. The advocate's rewards and milestones
are asserted in full after every step, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    shareback_serve,
    signed_headers,
)
from test_owner_api import ADMIN_KEY, Owner

PLAN = {
    "cap": 10,
    "milestones": [
        {"friends": 5, "reward": {"type": "credit", "value": "25.00"}},
        {"friends": 10, "reward": {"type": "custom", "value": "0"}},
    ],
}
Rows = list[tuple[str, str, str, str]]  # (order, kind, type, status), oldest first


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_api_key=ADMIN_KEY)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def scheduler_on_day(settings: Settings, day: int) -> int:
    """The approval round of that day (the hold is the default 14 days)."""

    async def go() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(datetime.now(UTC) + timedelta(days=day))
        finally:
            await store.close()

    return asyncio.run(go())


class Month:
    """The advocate, the shop's checkout and two processes answering its webhooks."""

    def __init__(self, client: TestClient, secret: str, servers: tuple[str, str]) -> None:
        self.client, self.secret, self.servers = client, secret, servers
        self.owner = Owner(client)
        self.advocate = join_campaign(client, "anna@example.nl", "Anna")
        advocates = self.owner.get("/api/v1/advocates?limit=10").json()["data"]
        self.advocate_id = advocates[0]["id"]
        self.bodies: dict[str, bytes] = {}

    def post(self, server: str, body: bytes, message_id: str) -> dict[str, Any]:
        answer = httpx.post(
            f"{server}/webhooks/orders",
            content=body,
            headers=signed_headers(self.secret, body, message_id),
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def at_once(self, deliveries: list[tuple[bytes, str]]) -> list[str]:
        """Every delivery at the same moment, alternately to each process; their statuses."""
        with ThreadPoolExecutor(len(deliveries)) as pool:
            answers = pool.map(
                lambda n: self.post(self.servers[n % 2], *deliveries[n]), range(len(deliveries))
            )
            return [answer["status"] for answer in answers]

    def at_once_answers(self, deliveries: list[tuple[bytes, str]]) -> list[dict[str, Any]]:
        with ThreadPoolExecutor(len(deliveries)) as pool:
            return list(
                pool.map(
                    lambda n: self.post(self.servers[n % 2], *deliveries[n]),
                    range(len(deliveries)),
                )
            )

    def order(self, n: int) -> bytes:
        ref = follow_link(self.client, str(self.advocate["code"]))
        body = order_paid(f"F{n}", f"friend{n}@example.com", "40.00", ref)
        self.bodies[f"F{n}"] = body
        return body

    def friend_orders(self, n: int) -> None:
        """Friend n's order: delivered to both processes at once (the platform's retry racing its
        first try), then replayed twice more (the same message, and a new message id)."""
        body = self.order(n)
        statuses = self.at_once([(body, f"paid-{n}"), (body, f"paid-{n}")])
        assert sorted(statuses) == ["duplicate", "recorded"], statuses
        assert self.post(self.servers[0], body, f"paid-{n}")["status"] == "duplicate"
        assert self.post(self.servers[1], body, f"paid-{n}-again")["status"] == "duplicate"

    def refund(self, order_id: str) -> None:
        body = order_refunded(order_id)
        answers = self.at_once_answers(
            [(body, f"refund-{order_id}"), (body, f"refund-{order_id}-b")]
        )
        statuses = [answer["status"] for answer in answers]
        assert sorted(statuses) == ["duplicate", "recorded"], answers
        assert self.post(self.servers[1], body, f"refund-{order_id}")["status"] == "duplicate"

    def rewards(self) -> Rows:
        rows = self.owner.get("/api/v1/rewards?side=referrer&limit=200").json()["data"]
        return [(r["order_id"], r["kind"], r["type"], r["status"]) for r in reversed(rows)]

    def milestones(self) -> list[tuple[int, str, str | None]]:
        found = self.owner.get(f"/api/v1/advocates/{self.advocate_id}/loyalty").json()
        return [
            (m["friends"], m["reward_status"], m["withdrawn_reason"]) for m in found["milestones"]
        ]

    def widget(self) -> dict[str, Any]:
        loyalty = join_campaign(self.client, "anna@example.nl", "Anna")["loyalty"]
        assert isinstance(loyalty, dict)
        return loyalty

    def clawed_back(self) -> dict[str, str]:
        rows = self.owner.get("/api/v1/rewards?side=referrer&limit=200").json()["data"]
        return {
            f"{r['order_id']}/{r['kind']}": r["clawed_back"]["amount"]
            for r in rows
            if r["clawed_back"] is not None
        }


def per_friend(orders: range | list[int], status: str = "pending") -> Rows:
    return [(f"F{n}", "referral", "credit", status) for n in orders]


def test_dropbox_style_month(client: TestClient, settings: Settings, webhook_secret: str) -> None:
    owner = Owner(client)
    assert (
        owner.patch(
            "/api/v1/campaigns/default",
            json={"referrer_reward": {"type": "credit", "value": "5.00"}, "hold_days": 14},
        ).status_code
        == 200
    )
    assert owner.put("/api/v1/campaigns/default/loyalty", json=PLAN).status_code == 200
    # The month runs in a minute: the "more than ten referrals a day" review would hold it up.
    rules = owner.patch("/api/v1/campaigns/default/fraud-rules", json={"velocity": "allow"})
    assert rules.status_code == 200, rules.text
    with ExitStack() as running:
        servers = tuple(
            running.enter_context(
                shareback_serve(settings.database_url, webhook_secret=webhook_secret)
            )
            for _ in range(2)
        )
        month = Month(client, webhook_secret, (servers[0], servers[1]))
        assert month.widget() == {
            "friends_converted": 0,
            "tier": None,
            "next_tier": None,
            "next_milestone": {
                "friends_needed": 5,
                "reward": {"type": "credit", "amount": "25.00", "currency": "EUR"},
            },
            "cap": 10,
        }

        # Days 1-4: four friends, €5 each, pending for the 14-day hold.
        for n in range(1, 5):
            month.friend_orders(n)
            assert month.rewards() == per_friend(range(1, n + 1))
            assert month.milestones() == []
        assert month.widget()["next_milestone"]["friends_needed"] == 1

        # Day 5: the fifth friend brings the €25 bonus, once, on their referral.
        month.friend_orders(5)
        step5 = [*per_friend(range(1, 6)), ("F5", "milestone", "credit", "pending")]
        assert month.rewards() == step5
        assert month.milestones() == [(5, "pending", None)]
        assert month.widget()["friends_converted"] == 5
        assert month.widget()["next_milestone"] == {
            "friends_needed": 5,
            "reward": {"type": "custom", "amount": "0", "currency": "EUR"},
        }

        # Day 6: friend 3 returns everything, inside the hold. Four friends left: their €5 and
        # the bonus are revoked (once, whatever the replays and the two processes do).
        month.refund("F3")
        step6 = [
            ("F1", "referral", "credit", "pending"),
            ("F2", "referral", "credit", "pending"),
            ("F3", "referral", "credit", "revoked"),
            ("F4", "referral", "credit", "pending"),
            ("F5", "referral", "credit", "pending"),
            ("F5", "milestone", "credit", "revoked"),
        ]
        assert month.rewards() == step6
        assert month.milestones() == [(5, "revoked", "revoked")]
        assert month.widget()["friends_converted"] == 4

        # Day 8: the sixth friend makes five again: the bonus is earned anew, on their referral.
        month.friend_orders(6)
        step8 = [*step6, *per_friend([6]), ("F6", "milestone", "credit", "pending")]
        assert month.rewards() == step8
        assert month.milestones() == [(5, "revoked", "revoked"), (5, "pending", None)]

        # Days 9-20: friends 7 to 10, one by one, each delivered twice at once and replayed.
        expected = step8
        for n in range(7, 11):
            month.friend_orders(n)
            expected = [*expected, *per_friend([n])]
            assert month.rewards() == expected
        assert month.milestones() == [(5, "revoked", "revoked"), (5, "pending", None)]
        assert month.widget()["friends_converted"] == 9

        # Days 21-22: friends 11 and 12 order at the same moment, one at each process. The
        # first of them to be counted is the tenth successful friend: their €5 and the gift;
        # the other is past the cap and earns the referrer nothing (they get their discount).
        bodies = [(month.order(11), "paid-11"), (month.order(12), "paid-12")]
        assert month.at_once(bodies) == ["recorded", "recorded"]
        assert month.at_once(bodies) == ["duplicate", "duplicate"]
        tenth = next(r for r in month.rewards() if r[0] in ("F11", "F12"))[0]
        expected = [
            *expected,
            (tenth, "referral", "credit", "pending"),
            (tenth, "milestone", "custom", "pending"),
        ]
        assert month.rewards() == expected
        assert month.milestones() == [
            (5, "revoked", "revoked"),
            (5, "pending", None),
            (10, "pending", None),
        ]
        friends = owner.get("/api/v1/rewards?side=friend&limit=200").json()["data"]
        assert len(friends) == 12  # every friend got their own discount
        assert month.widget() == {
            "friends_converted": 11,
            "tier": None,
            "next_tier": None,
            "next_milestone": None,
            "cap": 10,
        }

        # Day 36: every hold is over; credit is issued at once, the gift waits for the shop.
        assert scheduler_on_day(settings, 36) == 12
        approved = [
            (order, kind, kind_type, "fulfilled" if kind_type == "credit" else "approved")
            if status == "pending"
            else (order, kind, kind_type, status)
            for order, kind, kind_type, status in expected
        ]
        assert month.rewards() == approved
        assert month.milestones() == [
            (5, "revoked", "revoked"),
            (5, "fulfilled", None),
            (10, "approved", None),
        ]
        assert scheduler_on_day(settings, 37) == 0  # nothing approved twice

        # Day 40: two more friends refund, after the hold: their €5 is clawed back. Ten, then
        # nine successful friends: the gift at ten is clawed back once, the bonus at five stays.
        month.refund("F1")
        assert month.milestones()[-1] == (10, "approved", None)  # still ten friends
        month.refund("F2")
        assert month.milestones() == [
            (5, "revoked", "revoked"),
            (5, "fulfilled", None),
            (10, "approved", "clawed_back"),
        ]
        assert month.rewards() == approved  # clawbacks leave the statuses as they were
        assert month.clawed_back() == {
            "F1/referral": "5.00",
            "F2/referral": "5.00",
            f"{tenth}/milestone": "0.00",  # the whole gift (no money amount)
        }
        replayed = order_refunded("F2")  # a new message for the same refund, at both processes
        assert month.at_once([(replayed, "refund-F2-c"), (replayed, "refund-F2-d")]) == [
            "duplicate",
            "duplicate",
        ]
        assert len(month.clawed_back()) == 3
        assert month.widget()["friends_converted"] == 9
        assert month.widget()["next_milestone"] == {
            "friends_needed": 1,
            "reward": {"type": "custom", "amount": "0", "currency": "EUR"},
        }

    # The credit ledger: ten friends' €5 and the €25 bonus, less the €10 clawed back.
    balance = owner.get("/api/v1/credit", params={"email": "anna@example.nl", "currency": "EUR"})
    assert balance.status_code == 200, balance.text
    assert json.loads(balance.text)["balance"]["amount"] == "65.00"


def test_a_refund_racing_a_new_friend_leaves_one_live_bonus(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    """Friend 3's refund and friend 6's order arrive at two processes at the same moment: in
    whichever order the advocate's lock lets them through, the count ends at five and exactly one
    bonus is live (a revoked one besides it when the refund went first)."""
    owner = Owner(client)
    owner.patch(
        "/api/v1/campaigns/default", json={"referrer_reward": {"type": "credit", "value": "5.00"}}
    )
    owner.put("/api/v1/campaigns/default/loyalty", json=PLAN)
    with ExitStack() as running:
        servers = tuple(
            running.enter_context(
                shareback_serve(settings.database_url, webhook_secret=webhook_secret)
            )
            for _ in range(2)
        )
        month = Month(client, webhook_secret, (servers[0], servers[1]))
        for n in range(1, 6):
            month.friend_orders(n)
        assert month.milestones() == [(5, "pending", None)]
        race = [(order_refunded("F3"), "refund-F3"), (month.order(6), "paid-6")]
        assert month.at_once(race) == ["recorded", "recorded"]
        assert month.at_once(race) == ["duplicate", "duplicate"]
    found = month.milestones()
    assert found in (
        [(5, "pending", None)],  # the order first: six friends, the refund left five
        [(5, "revoked", "revoked"), (5, "pending", None)],  # the refund first: four, then five
    ), found
    assert month.widget()["friends_converted"] == 5
    live = [r for r in month.rewards() if r[1] == "milestone" and r[3] != "revoked"]
    assert len(live) == 1
