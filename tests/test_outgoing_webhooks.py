"""Outgoing webhooks: written with the change, signed per Standard Webhooks, retried until delivered,
never lost, never sent twice by two workers. Time is moved forward, never slept."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from shareback.app import create_app
from shareback.outgoing.worker import DeliveryWorker, Report
from shareback.settings import Settings
from shareback.storage import open_store
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from support import (
    LiveServer,
    count,
    follow_link,
    free_port,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)

ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}


class Receiver:
    """A webhook consumer on loopback: verifies every message with the reference package,
    refuses the first `refuse` of them with a 503, and keeps what it accepted."""

    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.secret: str | None = None
        self.accepted: list[dict[str, Any]] = []
        self.seen = 0

        async def receive(request: Request) -> Response:
            body = await request.body()
            assert self.secret is not None
            payload = Webhook(self.secret).verify(body, dict(request.headers))
            self.seen += 1
            if self.seen <= self.refuse:
                return JSONResponse({"busy": True}, status_code=503)
            self.accepted.append({"id": request.headers["webhook-id"], **payload})
            return Response(status_code=204)

        self.app = Starlette(routes=[Route("/hooks", receive, methods=["POST"])])


@pytest.fixture
def owner_settings(settings: Settings) -> Settings:
    # The app's own worker runs once at start and then sleeps: the tests drive delivery.
    return dataclasses.replace(  # the receivers are plain http:// on loopback
        settings,
        admin_api_key=ADMIN_KEY,
        delivery_interval_seconds=3600,
        allow_http_endpoints=True,
    )


@pytest.fixture
def owner_client(owner_settings: Settings) -> Iterator[TestClient]:
    with TestClient(
        create_app(owner_settings), headers={"user-agent": "Mozilla/5.0 Chrome/130"}
    ) as client:
        yield client


def add_endpoint(client: TestClient, url: str, events: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"url": url, "description": "CRM"}
    if events is not None:
        body["events"] = events
    response = client.post("/api/v1/webhook-endpoints", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    assert document["secret"].startswith("whsec_")
    return document


def referral_flow(client: TestClient, secret: str) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna de Vries")["code"])
    ref = follow_link(client, code, "whatsapp")
    body = order_paid("1001", "friend@example.com", "50.00", ref, name="Femke Jansen")
    assert (
        client.post(
            "/webhooks/orders", content=body, headers=signed_headers(secret, body, "m1")
        ).json()["status"]
        == "recorded"
    )


def run_worker(settings: Settings, moments: list[datetime], workers: int = 1) -> list[Report]:
    async def go() -> list[Report]:
        store = await open_store(settings.database_url)
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                pool = [DeliveryWorker(store, settings.public_url, http) for _ in range(workers)]
                reports = []
                for moment in moments:
                    rounds = await asyncio.gather(*(w.deliver_due(moment) for w in pool))
                    reports += rounds
                return reports
        finally:
            await store.close()

    return asyncio.run(go())


def test_events_arrive_signed_with_what_an_email_tool_needs(
    owner_client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    receiver = Receiver()
    with LiveServer(receiver.app) as live:
        endpoint = add_endpoint(owner_client, f"{live.url}/hooks")
        receiver.secret = endpoint["secret"]
        referral_flow(owner_client, webhook_secret)
        reports = run_worker(owner_settings, [datetime.now(UTC)])
    assert reports[0].delivered == 5
    # Deliveries go out in parallel: consumers order by the event's timestamp, not by arrival.
    types = sorted(m["type"] for m in receiver.accepted)
    assert types == [
        "advocate.created",
        "referral.converted",
        "reward.created",
        "reward.created",
        "reward.fulfilled",  # the friend's discount, given at the checkout
    ]
    rewards = {
        m["data"]["reward"]["side"]: m["data"]
        for m in receiver.accepted
        if m["type"] == "reward.created"
    }
    referrer_reward = rewards["referrer"]
    assert referrer_reward["advocate"]["name"] == "Anna de Vries"
    assert referrer_reward["advocate"]["email"] == "anna@example.nl"
    assert (
        referrer_reward["advocate"]["link"]
        == f"{owner_settings.public_url}/r/{referrer_reward['advocate']['code']}"
    )
    assert referrer_reward["friend"] == {"email": "friend@example.com", "name": "Femke Jansen"}
    assert referrer_reward["reward"]["recipient"] == {
        "email": "anna@example.nl",
        "name": "Anna de Vries",
    }
    assert referrer_reward["reward"]["description"] == {
        "en": "€5 store credit",
        "nl": "€\u00a05 tegoed",
        "de": "5\u00a0€ Guthaben",
        "fr": "5\u00a0€ d'avoir",
    }
    friend_reward = rewards["friend"]["reward"]
    assert (friend_reward["side"], friend_reward["amount"], friend_reward["recipient"]["name"]) == (
        "friend",
        "5.56",  # 10 % off: the €50.00 paid was what was left of €55.56
        "Femke Jansen",
    )
    assert (friend_reward["status"], friend_reward["fulfilment"]) == ("fulfilled", "checkout")
    assert (referrer_reward["reward"]["fulfilment"], referrer_reward["reward"]["fulfilled_at"]) == (
        "credit",
        None,
    )
    assert len({m["id"] for m in receiver.accepted}) == 5


def test_a_receiver_refusing_the_first_deliveries_gets_every_event_once(
    owner_client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    receiver = Receiver(refuse=5)
    with LiveServer(receiver.app) as live:
        receiver.secret = add_endpoint(owner_client, f"{live.url}/hooks")["secret"]
        referral_flow(owner_client, webhook_secret)
        start = datetime.now(UTC)
        reports = run_worker(
            owner_settings, [start + timedelta(minutes=m) for m in range(0, 60, 2)]
        )
    assert sorted(m["type"] for m in receiver.accepted) == sorted(
        [
            "advocate.created",
            "referral.converted",
            "reward.created",
            "reward.created",
            "reward.fulfilled",
        ]
    )
    assert receiver.seen == 5 + 5
    assert sum(r.retrying for r in reports) == 5 and sum(r.delivered for r in reports) == 5
    deliveries = owner_client.get("/api/v1/webhook-deliveries", headers=AUTH).json()["data"]
    assert {d["status"] for d in deliveries} == {"delivered"}
    assert sum(d["attempts"] for d in deliveries) == 10
    log = owner_client.get(
        f"/api/v1/webhook-deliveries/{deliveries[-1]['id']}", headers=AUTH
    ).json()
    assert [a["status_code"] for a in log["attempts_log"]][-1] == 204


def test_a_receiver_down_for_hours_loses_nothing(
    owner_client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    port = free_port()
    receiver = Receiver()
    receiver.secret = add_endpoint(owner_client, f"http://127.0.0.1:{port}/hooks")["secret"]
    referral_flow(owner_client, webhook_secret)
    start = datetime.now(UTC)
    down = run_worker(owner_settings, [start + timedelta(minutes=m) for m in range(0, 300, 10)])
    assert sum(r.delivered for r in down) == 0 and sum(r.retrying for r in down) >= 4
    with LiveServer(receiver.app, port=port):
        run_worker(owner_settings, [start + timedelta(hours=h) for h in range(5, 12)])
    assert len(receiver.accepted) == 5
    errors = [
        d["last_error"]
        for d in owner_client.get("/api/v1/webhook-deliveries", headers=AUTH).json()["data"]
    ]
    assert all(e is None for e in errors)


def test_after_three_days_a_delivery_is_dead_and_can_be_redelivered(
    owner_client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    receiver = Receiver(refuse=10_000)
    with LiveServer(receiver.app) as live:
        receiver.secret = add_endpoint(owner_client, f"{live.url}/hooks", ["advocate.created"])[
            "secret"
        ]
        join_campaign(owner_client, "anna@example.nl", "Anna")
        start = datetime.now(UTC)
        run_worker(owner_settings, [start + timedelta(hours=h) for h in range(0, 80, 1)])
        dead = owner_client.get("/api/v1/webhook-deliveries?status=dead", headers=AUTH).json()[
            "data"
        ]
        assert len(dead) == 1 and dead[0]["type"] == "advocate.created"
        assert dead[0]["attempts"] >= 10 and dead[0]["last_status_code"] == 503
        assert (
            owner_client.post(
                f"/api/v1/webhook-deliveries/{dead[0]['id']}/redeliver", headers=AUTH
            ).status_code
            == 202
        )
        assert (
            owner_client.post(
                f"/api/v1/webhook-deliveries/{dead[0]['id']}/redeliver", headers=AUTH
            ).status_code
            == 409
        )
        receiver.refuse = 0
        run_worker(owner_settings, [datetime.now(UTC) + timedelta(seconds=1)])
    assert [m["type"] for m in receiver.accepted] == ["advocate.created"]


def test_two_workers_never_send_one_delivery_twice(
    owner_client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    receiver = Receiver()
    with LiveServer(receiver.app) as live:
        receiver.secret = add_endpoint(owner_client, f"{live.url}/hooks")["secret"]
        for n in range(15):
            join_campaign(owner_client, f"a{n}@example.nl", f"A{n}")
        reports = run_worker(owner_settings, [datetime.now(UTC)] * 3, workers=3)
    assert sum(r.delivered for r in reports) == 15
    assert len(receiver.accepted) == 15 and len({m["id"] for m in receiver.accepted}) == 15


def test_events_are_written_only_with_their_change(
    owner_client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    add_endpoint(
        owner_client,
        "http://127.0.0.1:9/hooks",
        ["reward.created", "reward.revoked", "reward.approved"],
    )
    code = str(join_campaign(owner_client, "anna@example.nl", "Anna")["code"])
    self_referral = order_paid("1", "anna@example.nl", ref=code)
    owner_client.post(
        "/webhooks/orders",
        content=self_referral,
        headers=signed_headers(webhook_secret, self_referral, "x1"),
    )
    bad = b'{"type": "order.paid", "data": {"order_id": "2", "total": "x"}}'
    owner_client.post(
        "/webhooks/orders", content=bad, headers=signed_headers(webhook_secret, bad, "x2")
    )
    assert count(owner_settings, "deliveries") == 0
    assert (
        count(owner_settings, "outbox") == 1
    )  # advocate.created, for no endpoint subscribed to it
    ref = follow_link(owner_client, code)
    good = order_paid("3", "friend@example.com", ref=ref)
    owner_client.post(
        "/webhooks/orders", content=good, headers=signed_headers(webhook_secret, good, "x3")
    )
    refund = order_refunded("3")
    owner_client.post(
        "/webhooks/orders", content=refund, headers=signed_headers(webhook_secret, refund, "x4")
    )
    types = [
        d["type"]
        for d in owner_client.get("/api/v1/webhook-deliveries", headers=AUTH).json()["data"]
    ]
    # The friend's discount was given at the checkout: the refund revokes the referrer's alone.
    assert sorted(types) == ["reward.created", "reward.created", "reward.revoked"]


def test_endpoint_api_validates_and_needs_a_key(owner_client: TestClient) -> None:
    assert owner_client.get("/api/v1/webhook-endpoints").status_code == 401
    for body, code in (
        ({"url": "ftp://x"}, "invalid_url"),
        ({"url": "https://crm.example/hook", "events": ["order.eaten"]}, "invalid_events"),
        # "*" beside a typo must not hide it: the owner meant some list and got it wrong.
        ({"url": "https://crm.example/hook", "events": ["*", "reward.aproved"]}, "invalid_events"),
        ({"url": "https://crm.example/hook", "events": "reward.created"}, "invalid_events"),
        ({}, "missing_url"),
    ):
        response = owner_client.post("/api/v1/webhook-endpoints", json=body, headers=AUTH)
        assert response.status_code == 422 and response.json()["error"]["code"] == code
    created = add_endpoint(owner_client, "https://crm.example/hook", ["reward.approved"])
    assert created["events"] == ["reward.approved"]
    assert (
        owner_client.delete(f"/api/v1/webhook-endpoints/{created['id']}", headers=AUTH).status_code
        == 204
    )
    assert (
        owner_client.delete(f"/api/v1/webhook-endpoints/{created['id']}", headers=AUTH).status_code
        == 404
    )
    assert (
        owner_client.get("/api/v1/webhook-deliveries?status=lost", headers=AUTH).status_code == 400
    )
    assert (
        owner_client.get("/api/v1/webhook-deliveries?cursor=nonsense", headers=AUTH).status_code
        == 400
    )
    deep = b"[" * 5000 + b"]" * 5000
    nested = owner_client.post(
        "/api/v1/webhook-endpoints",
        content=deep,
        headers={**AUTH, "content-type": "application/json"},
    )
    assert nested.status_code == 400
    assert json.loads(owner_client.get("/api/v1/webhook-endpoints", headers=AUTH).text)["data"][0][
        "disabled_at"
    ]
