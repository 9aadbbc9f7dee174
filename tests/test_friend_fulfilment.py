"""How the friend gets their discount, per campaign: through the link, one shared code, a code
each from an uploaded pool, or a code each that Shareback generates and announces. A friend's code
typed at checkout credits the advocate who referred them."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import httpx2
import pytest
from shareback.app import create_app
from shareback.outgoing.worker import DeliveryWorker
from shareback.settings import Settings
from shareback.storage import open_store
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    SHOP,
    LiveServer,
    count,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    signed_headers,
)
from test_openapi import conforms

ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
POOL = "/api/v1/campaigns/default/code-pool"


@pytest.fixture
def owner_settings(settings: Settings) -> Settings:
    return dataclasses.replace(  # the receivers are plain http:// on loopback
        settings,
        admin_api_key=ADMIN_KEY,
        delivery_interval_seconds=3600,
        allow_http_endpoints=True,
    )


@pytest.fixture
def client(owner_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(owner_settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def configure(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.patch("/api/v1/campaigns/default", json=fields, headers=AUTH)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def upload(client: TestClient, text: str, content_type: str = "text/csv") -> httpx2.Response:
    return client.post(POOL, content=text.encode(), headers={**AUTH, "content-type": content_type})


def land(client: TestClient, ref: str) -> dict[str, Any]:
    """The widget's load call on the friend's landing page."""
    response = client.get(
        "/api/v1/campaigns/default/widget",
        params={"lang": "nl", "ref": ref},
        headers={"origin": SHOP},
    )
    assert response.status_code == 200, response.text
    assert response.json()["ref"] == "valid"
    friend: dict[str, Any] = response.json()["friend"]
    return friend


def advocate_link(client: TestClient) -> str:
    return str(join_campaign(client, "anna@example.nl", "Anna de Vries")["code"])


def order(
    client: TestClient, secret: str, order_id: str, email: str, **data: Any
) -> dict[str, Any]:
    body = order_paid(order_id, email, **data)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"m{order_id}")
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_fulfilment_is_validated_on_create_and_change(client: TestClient) -> None:
    def refused(fields: dict[str, Any]) -> tuple[int, str, str]:
        response = client.patch("/api/v1/campaigns/default", json=fields, headers=AUTH)
        error = response.json()["error"]
        return response.status_code, error["code"], error["field"]

    assert refused({"friend_fulfilment": "coupon"}) == (
        422,
        "invalid_friend_fulfilment",
        "friend_fulfilment",
    )
    assert refused({"friend_fulfilment": "shared_code"}) == (
        422,
        "missing_friend_code",
        "friend_code",
    )
    assert refused({"friend_code": "WELKOM 10"})[1] == "invalid_friend_code"
    assert refused({"friend_code": "=1+1"})[1] == "invalid_friend_code"
    assert refused({"friend_code": 10})[1] == "invalid_friend_code"
    assert refused({"friend_code_prefix": "7UP"})[1] == "invalid_friend_code_prefix"
    assert refused({"friend_code_prefix": "WAYTOOLONGPREFIX"})[1] == "invalid_friend_code_prefix"
    assert refused({"friend_code_prefix": None})[1] == "invalid_friend_code_prefix"
    coupon = join_campaign(client, "anna@example.nl", "Anna")["coupon_code"]
    assert refused({"friend_code": str(coupon).lower()}) == (
        409,
        "friend_code_taken",
        "friend_code",
    )
    shared = configure(client, friend_fulfilment="shared_code", friend_code="WELKOM10")
    assert (shared["friend_fulfilment"], shared["friend_code"]) == ("shared_code", "WELKOM10")
    assert refused({"friend_code": None}) == (422, "missing_friend_code", "friend_code")
    generated = configure(client, friend_fulfilment="generated", friend_code_prefix="welkom")
    assert (generated["friend_code_prefix"], generated["friend_code"]) == ("WELKOM", "WELKOM10")
    assert configure(client, friend_code=None)["friend_code"] is None
    created = client.post(
        "/api/v1/campaigns",
        json={
            "slug": "zomer",
            "name": "Zomer",
            "landing_url": "https://shop.example/",
            "referrer_reward": {"type": "credit", "value": "5.00"},
            "friend_reward": {"type": "percent_discount", "value": "10"},
            "friend_fulfilment": "pool",
        },
        headers=AUTH,
    )
    assert created.status_code == 201, created.text
    assert created.json()["friend_fulfilment"] == "pool"
    assert created.json()["friend_code_prefix"] == "WELCOME"
    bad = client.post(
        "/api/v1/campaigns",
        json={**created.json(), "slug": "herfst", "friend_fulfilment": "shared_code"},
        headers=AUTH,
    )
    assert bad.status_code == 422


def test_the_link_mode_gives_the_friend_no_code(client: TestClient) -> None:
    ref = follow_link(client, advocate_link(client))
    assert land(client, ref)["code"] is None


def test_a_shared_code_is_shown_to_every_friend(client: TestClient, webhook_secret: str) -> None:
    configure(client, friend_fulfilment="shared_code", friend_code="WELKOM10")
    code = advocate_link(client)
    assert land(client, follow_link(client, code))["code"] == "WELKOM10"
    assert land(client, follow_link(client, code))["code"] == "WELKOM10"
    # Everyone has the shared code, so on its own it says nothing about who referred the friend.
    assert order(client, webhook_secret, "1", "f@example.com", coupon_codes=["WELKOM10"]) == {
        "status": "ignored",
        "reason": "no_ref",
    }


def test_pool_codes_are_one_per_friend_and_the_same_on_a_reload(client: TestClient) -> None:
    configure(client, friend_fulfilment="pool")
    assert upload(client, "POOL-AAA1\nPOOL-BBB2\nPOOL-CCC3\n").json()["added"] == 3
    code = advocate_link(client)
    first_ref, second_ref = follow_link(client, code), follow_link(client, code)
    first = land(client, first_ref)["code"]
    assert first == "POOL-AAA1"
    assert [land(client, first_ref)["code"] for _ in range(3)] == [first] * 3
    second = land(client, second_ref)["code"]
    assert second == "POOL-BBB2"
    assert client.get(POOL, headers=AUTH).json() == {
        "campaign": "default",
        "friend_fulfilment": "pool",
        "remaining": 1,
        "issued": 2,
    }
    metrics = client.get("/metrics").text
    assert 'shareback_queue_size{queue="friend_code_pool",status="remaining"} 1' in metrics


def test_an_empty_pool_falls_back_and_the_ref_still_credits_the_order(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    configure(client, friend_fulfilment="pool")
    upload(client, "code\nLAST-ONE1\n")
    code = advocate_link(client)
    assert land(client, follow_link(client, code))["code"] == "LAST-ONE1"
    late_ref = follow_link(client, code)
    late = land(client, late_ref)
    assert late["code"] is None and late["message"].startswith("Anna")
    assert client.get(POOL, headers=AUTH).json()["remaining"] == 0
    exhausted = db_rows(
        owner_settings, "SELECT payload FROM outbox WHERE type = 'friend_code.pool_exhausted'"
    )
    assert [json.loads(r[0]) for r in exhausted] == [
        {"campaign": "default", "remaining": 0, "fallback_code": None}
    ]
    answer = order(client, webhook_secret, "1", "late@example.com", ref=late_ref)
    assert (answer["status"], answer["reason"]) == ("recorded", "referral")
    # With a shared code set, it stands in while the pool is empty; the event was said once.
    configure(client, friend_code="WELKOM10")
    assert land(client, follow_link(client, code))["code"] == "WELKOM10"
    assert (
        len(
            db_rows(
                owner_settings, "SELECT 1 FROM outbox WHERE type = 'friend_code.pool_exhausted'"
            )
        )
        == 1
    )


def test_pool_uploads_count_duplicates_and_refuse_garbage_and_oversize(
    client: TestClient, owner_settings: Settings
) -> None:
    coupon = str(join_campaign(client, "anna@example.nl", "Anna")["coupon_code"])
    first = upload(client, "\ufeffid,code,note\n1,SPRING-01,a\n2,spring-02,b\n3,SPRING-01,c\n")
    assert first.status_code == 200, first.text
    assert first.json() == {
        "campaign": "default",
        "friend_fulfilment": "link",
        "remaining": 2,
        "issued": 0,
        "added": 2,
        "duplicates": 1,
        "conflicts": 0,
    }
    second = upload(client, f"SPRING-02\nSPRING-03\n\n{coupon.lower()}\r\n", "text/plain")
    assert second.json()["added"] == 1
    assert (second.json()["duplicates"], second.json()["conflicts"]) == (1, 1)
    garbage = upload(client, 'GOOD-CODE1\nBAD CODE\n=HYPERLINK("x")\nOK-2\nno\n')
    assert garbage.status_code == 422
    error = garbage.json()["error"]
    assert error["code"] == "invalid_csv"
    for line in ("line 2", "line 3", "line 5"):
        assert line in error["message"]
    refusals = {
        "two columns": upload(client, "A-CODE1,B-CODE2\n"),
        "empty": upload(client, "\n\n"),
        "not utf-8": client.post(
            POOL, content=b"\xff\xfeC\x00", headers={**AUTH, "content-type": "text/csv"}
        ),
        "json": client.post(POOL, json={"codes": ["A-CODE1"]}, headers=AUTH),
        "too big": upload(client, "ABCDEFGHIJKLMNOPQRSTUVWXYZ\n" * 170_000),
        "too many": upload(client, "\n".join(f"C{n:06d}" for n in range(100_001))),
        "no key": client.post(POOL, content=b"A-CODE1\n", headers={"content-type": "text/csv"}),
    }
    assert {name: r.status_code for name, r in refusals.items()} == {
        "two columns": 422,
        "empty": 422,
        "not utf-8": 422,
        "json": 415,
        "too big": 413,
        "too many": 422,
        "no key": 401,
    }
    assert client.get(POOL, headers=AUTH).json()["remaining"] == 3
    assert count(owner_settings, "friend_codes") == 3
    assert (
        client.post(
            "/api/v1/campaigns/nope/code-pool",
            content=b"A-CODE1",
            headers={**AUTH, "content-type": "text/csv"},
        ).status_code
        == 404
    )


def test_a_large_pool_uploads_at_once(client: TestClient) -> None:
    codes = "\n".join(f"BULK-{n:06d}" for n in range(50_000))
    answer = upload(client, codes)
    assert answer.status_code == 200 and answer.json()["added"] == 50_000


class Receiver:
    def __init__(self) -> None:
        self.secret = ""
        self.accepted: list[dict[str, Any]] = []

        async def receive(request: Request) -> Response:
            body = await request.body()
            # Verified exactly as a shop would, with the Standard Webhooks reference package.
            self.accepted.append(Webhook(self.secret).verify(body, dict(request.headers)))
            return Response(status_code=204)

        self.app = Starlette(routes=[Route("/hooks", receive, methods=["POST"])])


def deliver_due(settings: Settings) -> None:
    async def go() -> None:
        store = await open_store(settings.database_url)
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                await DeliveryWorker(store, settings.public_url, http).deliver_due(
                    datetime.now(UTC)
                )
        finally:
            await store.close()

    asyncio.run(go())


def test_generated_codes_are_announced_to_the_shop_once_each(
    client: TestClient, owner_settings: Settings
) -> None:
    configure(client, friend_fulfilment="generated", friend_code_prefix="WELKOM")
    receiver = Receiver()
    with LiveServer(receiver.app) as live:
        endpoint = client.post(
            "/api/v1/webhook-endpoints",
            json={"url": f"{live.url}/hooks", "events": ["friend_code.issued"]},
            headers=AUTH,
        ).json()
        receiver.secret = endpoint["secret"]
        code = advocate_link(client)
        ref = follow_link(client, code, "whatsapp")
        issued = land(client, ref)["code"]
        assert re.fullmatch(r"WELKOM-[2-9A-HJKMNP-Z]{6}", issued)
        assert land(client, ref)["code"] == issued
        other = land(client, follow_link(client, code))["code"]
        assert other != issued
        deliver_due(owner_settings)
    assert sorted(m["data"]["friend_code"]["code"] for m in receiver.accepted) == sorted(
        [issued, other]
    )
    event = next(m for m in receiver.accepted if m["data"]["friend_code"]["code"] == issued)
    assert event["type"] == "friend_code.issued"
    assert event["data"]["campaign"] == "default"
    assert event["data"]["friend_code"]["single_use"] is True
    assert event["data"]["friend_code"]["reward"] == {
        "type": "percent_discount",
        "value": "10",
        "currency": "EUR",
        "description": {
            "en": "10% off",
            "nl": "10% korting",
            "de": "10% Rabatt",
            "fr": "10% de réduction",
        },
    }
    assert event["data"]["advocate"]["code"] == code
    assert event["data"]["advocate"]["coupon_code"] == "ANNA10"


def test_a_friends_code_typed_at_checkout_credits_their_referrer(
    client: TestClient, owner_settings: Settings, webhook_secret: str
) -> None:
    configure(client, friend_fulfilment="pool")
    upload(client, "FRIEND-AAA1\nFRIEND-BBB2\n")
    anna = advocate_link(client)
    bram = str(join_campaign(client, "bram@example.nl", "Bram")["code"])
    follow_link(client, anna)
    friend_code = land(client, follow_link(client, bram, "whatsapp"))["code"]
    # No ref at all: the friend's code is enough, and it names Bram and the click.
    answer = order(
        client, webhook_secret, "1", "femke@example.com", coupon_codes=[friend_code.lower()]
    )
    assert (answer["status"], answer["reason"]) == ("recorded", "referral_code")
    row = db_rows(
        owner_settings,
        "SELECT r.via, a.code, k.channel FROM referrals r JOIN advocates a ON a.id = r.advocate_id "
        "LEFT JOIN clicks k ON k.id = r.click_id",
    )[0]
    assert tuple(row) == ("code", bram, "whatsapp")


def test_one_address_cannot_drain_the_pool(client: TestClient) -> None:
    configure(client, friend_fulfilment="pool")
    upload(client, "\n".join(f"DRAIN-{n:03d}" for n in range(50)))
    code = advocate_link(client)
    got = [land(client, follow_link(client, code))["code"] for _ in range(32)]
    assert len(set(got[:30])) == 30 and got[30:] == [None, None]
    assert client.get(POOL, headers=AUTH).json()["remaining"] == 20


def test_code_answers_match_the_openapi_document(client: TestClient) -> None:
    configure(client, friend_fulfilment="generated")
    conforms(client.get(POOL, headers=AUTH))
    conforms(upload(client, "code\nDOC-CODE1\nDOC-CODE1\n"))
    conforms(upload(client, "BAD CODE\n"))
    conforms(upload(client, "X-CODE1", "application/json"))
    conforms(client.get("/api/v1/campaigns/nope/code-pool", headers=AUTH))
    conforms(client.patch("/api/v1/campaigns/default", json={"friend_code": "?"}, headers=AUTH))
    advocate = conforms(
        client.post(
            "/api/v1/advocates",
            json={"campaign": "default", "email": "anna@example.nl", "name": "Anna"},
            headers={"origin": SHOP},
        )
    ).json()
    ref = follow_link(client, advocate["code"])
    widget = "/api/v1/campaigns/default/widget"
    assert conforms(client.get(widget, params={"ref": ref})).json()["friend"]["code"]
    lookup = "/api/v1/campaigns/default/referrers"
    conforms(client.get(lookup, params={"q": "anna"}, headers={"origin": SHOP}))
    conforms(client.get(lookup, params={"q": "an"}, headers={"origin": SHOP}))
    conforms(client.get(lookup, params={"q": "anna"}, headers={"origin": "https://evil.example"}))
    conforms(client.options(lookup, headers={"origin": SHOP}))
    for _ in range(20):
        client.get(lookup, params={"q": "anna"})
    assert conforms(client.get(lookup, params={"q": "anna"})).status_code == 429
