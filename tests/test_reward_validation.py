"""The reward validation callback: before a due reward is approved, the shop's endpoint says yes
(2xx), no (4xx, with a reason) or not now (anything else). Signed per Standard Webhooks, asked
once at a time across workers and processes, and never about a reward that is no longer pending."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from shareback.app import create_app
from shareback.outgoing.validation import RewardValidator, ValidationReport
from shareback.settings import Settings
from shareback.storage import open_store
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    LiveServer,
    db_rows,
    follow_link,
    free_port,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)

ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
LATER = timedelta(days=14, minutes=5)  # past the default hold period


class Shop:
    """The shop's validation endpoint: verifies each request, answers what `decide` says."""

    def __init__(self, decide: Callable[[dict[str, Any]], Response]) -> None:
        self.secret = ""
        self.decide = decide
        self.asked: list[dict[str, Any]] = []

        async def validate(request: Request) -> Response:
            body = await request.body()
            event = Webhook(self.secret).verify(body, dict(request.headers))
            self.asked.append({"id": request.headers["webhook-id"], **event})
            return self.decide(event)

        self.app = Starlette(routes=[Route("/validate", validate, methods=["POST"])])


@pytest.fixture
def owner_settings(settings: Settings) -> Settings:
    # The app's own loop runs once at start, long before anything is due: the tests drive it.
    return dataclasses.replace(  # the shop's endpoint is plain http:// on loopback
        settings,
        admin_api_key=ADMIN_KEY,
        approve_interval_seconds=3600,
        allow_http_endpoints=True,
    )


@pytest.fixture
def client(owner_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(owner_settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def use_callback(client: TestClient, url: str | None) -> dict[str, Any]:
    # The friend gets a gift the shop gives (custom): pending like the referrer's, where a
    # discount would be fulfilled at the checkout itself and never be asked about.
    fields = {
        "validation_url": url,
        "friend_reward": {"type": "custom", "value": "0"},
        "referrer_reward": {"type": "cash", "value": "5.00"},  # approved, waits for a payout
    }
    response = client.patch("/api/v1/campaigns/default", json=fields, headers=AUTH)
    assert response.status_code == 200, response.text
    campaign: dict[str, Any] = response.json()
    return campaign


def referred_order(client: TestClient, secret: str, order_id: str = "1001") -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna de Vries")["code"])
    ref = follow_link(client, code)
    body = order_paid(order_id, f"friend{order_id}@example.com", "50.00", ref, name="Femke")
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"m{order_id}")
    ).json()
    assert answer["status"] == "recorded", answer


def validate(
    settings: Settings, moments: list[datetime], workers: int = 1
) -> list[ValidationReport]:
    """Validators in their own store connections, as separate server processes would have."""

    async def go() -> list[ValidationReport]:
        stores = [await open_store(settings.database_url) for _ in range(workers)]
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                pool = [RewardValidator(s, settings.public_url, http) for s in stores]
                reports: list[ValidationReport] = []
                for moment in moments:
                    reports += await asyncio.gather(*(v.validate_due(moment) for v in pool))
                return reports
        finally:
            for store in stores:
                await store.close()

    return asyncio.run(go())


def approve_due(settings: Settings, at: datetime) -> int:
    async def go() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(at)
        finally:
            await store.close()

    return asyncio.run(go())


def rewards(settings: Settings) -> dict[str, tuple[str, str | None]]:
    rows = db_rows(settings, "SELECT side, status, revoke_reason FROM rewards")
    return {r["side"]: (r["status"], r["revoke_reason"]) for r in rows}


def test_the_callback_is_set_with_a_secret_and_validated(client: TestClient) -> None:
    campaign = use_callback(client, "https://shop.example/shareback/validate")
    assert campaign["validation_url"] == "https://shop.example/shareback/validate"
    secret = campaign["validation_secret"]
    assert secret.startswith("whsec_")
    # Changing the URL keeps the secret the shop already checks with.
    assert use_callback(client, "https://shop.example/v2")["validation_secret"] == secret
    for bad in ("ftp://shop.example/x", "/relative", "https://user:pw@shop.example/", 42):
        response = client.patch(
            "/api/v1/campaigns/default", json={"validation_url": bad}, headers=AUTH
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_validation_url"
    cleared = use_callback(client, None)
    assert (cleared["validation_url"], cleared["validation_secret"]) == (None, None)


def test_2xx_approves_and_4xx_revokes_with_the_shops_reason(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    def decide(event: dict[str, Any]) -> Response:
        if event["data"]["reward"]["side"] == "referrer":
            return Response(status_code=204)
        return JSONResponse({"reason": "friend's order was a  test order"}, status_code=422)

    shop = Shop(decide)
    with LiveServer(shop.app) as live:
        shop.secret = use_callback(client, f"{live.url}/validate")["validation_secret"]
        referred_order(client, webhook_secret)
        now = datetime.now(UTC)
        # Not due yet: nobody is asked; due: the plain approval leaves these rewards alone.
        assert validate(owner_settings, [now]) == [ValidationReport()]
        assert approve_due(owner_settings, now + LATER) == 0
        assert validate(owner_settings, [now + LATER]) == [ValidationReport(1, 1, 0)]
    assert rewards(owner_settings) == {
        "referrer": ("approved", None),
        "friend": ("revoked", "friend's order was a test order"),
    }
    asked = {m["data"]["reward"]["side"]: m for m in shop.asked}
    assert asked["referrer"]["type"] == "reward.validation"
    assert asked["referrer"]["data"]["reward"]["status"] == "pending"
    assert asked["referrer"]["data"]["order"] == {
        "id": "1001",
        "source": "orders",
        "total": "50.00",
        "currency": "EUR",
    }
    assert asked["referrer"]["data"]["advocate"]["link"].endswith(
        "/r/" + asked["referrer"]["data"]["advocate"]["code"]
    )
    history = db_rows(
        owner_settings, "SELECT to_status, reason, actor FROM reward_changes ORDER BY id"
    )
    assert {(h["to_status"], h["actor"]) for h in history} == {
        ("approved", "validation callback"),
        ("revoked", "validation callback"),
    }
    events = [r[0] for r in db_rows(owner_settings, "SELECT type FROM outbox ORDER BY id")]
    assert events[-2:] in (
        ["reward.approved", "reward.revoked"],
        ["reward.revoked", "reward.approved"],
    )
    # Decided rewards are never asked about again.
    assert validate(owner_settings, [now + LATER + timedelta(days=1)]) == [ValidationReport()]
    assert len(shop.asked) == 2


def test_anything_else_is_asked_again_later_with_the_same_message_id(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    answers = [503, 429, 302]

    def decide(event: dict[str, Any]) -> Response:
        status = answers.pop(0) if answers else 200
        return Response(status_code=status, headers={"location": "/elsewhere"})

    port = free_port()
    url = f"http://127.0.0.1:{port}/validate"
    shop = Shop(decide)
    shop.secret = use_callback(client, url)["validation_secret"]
    referred_order(client, webhook_secret)
    start = datetime.now(UTC) + LATER
    # The shop is down: nothing is decided, both rewards stay pending, retried with backoff.
    down = validate(owner_settings, [start])
    assert down == [ValidationReport(retrying=2)]
    assert validate(owner_settings, [start + timedelta(seconds=1)]) == [ValidationReport()]
    errors = db_rows(owner_settings, "SELECT validation_attempts, validation_error FROM rewards")
    assert {(e[0], e[1].split(":")[0]) for e in errors} == {(1, "ConnectError")}
    with LiveServer(shop.app, port=port):
        reports = validate(owner_settings, [start + timedelta(minutes=m) for m in range(1, 60)])
    assert sum(r.approved for r in reports) == 2 and sum(r.revoked for r in reports) == 0
    assert sum(r.retrying for r in reports) == 3  # the 503, the 429 and the redirect
    assert {s for s, _ in rewards(owner_settings).values()} == {"approved"}
    ids = {m["id"] for m in shop.asked}
    assert len(shop.asked) == 5 and len(ids) == 2  # a retry is the same question


def test_workers_in_several_processes_ask_about_each_reward_once(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    shop = Shop(lambda event: Response(status_code=200))
    with LiveServer(shop.app) as live:
        shop.secret = use_callback(client, f"{live.url}/validate")["validation_secret"]
        for n in range(8):
            referred_order(client, webhook_secret, order_id=f"{1000 + n}")
        at = datetime.now(UTC) + LATER
        reports = validate(owner_settings, [at, at], workers=4)
    assert sum(r.approved for r in reports) == 16
    assert len(shop.asked) == 16 and len({m["id"] for m in shop.asked}) == 16


def test_a_worker_that_died_holding_a_lease_is_taken_over_after_it(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    shop = Shop(lambda event: Response(status_code=200))
    with LiveServer(shop.app) as live:
        shop.secret = use_callback(client, f"{live.url}/validate")["validation_secret"]
        referred_order(client, webhook_secret)
        at = datetime.now(UTC) + LATER

        async def claim_and_die() -> int:
            store = await open_store(owner_settings.database_url)
            try:
                claimed = await store.claim_validations("crashed", at, timedelta(seconds=60), 20)
                return len(claimed)
            finally:
                await store.close()

        assert asyncio.run(claim_and_die()) == 2
        assert validate(owner_settings, [at + timedelta(seconds=30)]) == [ValidationReport()]
        after = validate(owner_settings, [at + timedelta(seconds=61)])
    assert after == [ValidationReport(approved=2)]


def test_a_reward_refunded_before_the_shop_is_asked_is_never_sent(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    shop = Shop(lambda event: Response(status_code=200))
    with LiveServer(shop.app) as live:
        shop.secret = use_callback(client, f"{live.url}/validate")["validation_secret"]
        referred_order(client, webhook_secret)
        body = order_refunded("1001")
        client.post(
            "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "r1")
        )
        assert validate(owner_settings, [datetime.now(UTC) + LATER]) == [ValidationReport()]
    assert shop.asked == []
    assert {s for s, _ in rewards(owner_settings).values()} == {"revoked"}


def test_without_a_callback_the_hold_period_approves_as_before(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    use_callback(client, "https://shop.example/validate")
    use_callback(client, None)
    referred_order(client, webhook_secret)
    assert approve_due(owner_settings, datetime.now(UTC) + LATER) == 2


def test_a_2xx_saying_fulfilled_fulfils_what_the_shop_gives_itself(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    """The friend's custom gift: the shop approves and hands it over in one answer. The referrer's
    credit is Shareback's to add, so the same answer only approves it."""
    shop = Shop(lambda event: JSONResponse({"fulfilled": True}))
    with LiveServer(shop.app) as live:
        shop.secret = use_callback(client, f"{live.url}/validate")["validation_secret"]
        referred_order(client, webhook_secret)
        reports = validate(owner_settings, [datetime.now(UTC) + LATER])
    assert reports == [ValidationReport(approved=2, fulfilled=2)]  # what the shop said
    assert rewards(owner_settings) == {
        "referrer": ("approved", None),
        "friend": ("fulfilled", None),
    }
    history = db_rows(
        owner_settings,
        "SELECT w.side, c.from_status, c.to_status, c.actor FROM reward_changes c "
        "JOIN rewards w ON w.id = c.reward_id ORDER BY c.id",
    )
    assert sorted(tuple(h) for h in history) == [
        ("friend", "approved", "fulfilled", "validation callback"),
        ("friend", "pending", "approved", "validation callback"),
        ("referrer", "pending", "approved", "validation callback"),
    ]
    events = [r[0] for r in db_rows(owner_settings, "SELECT type FROM outbox ORDER BY id")]
    assert events.count("reward.fulfilled") == 1
