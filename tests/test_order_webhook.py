"""POST /webhooks/orders: attribution, double-sided rewards, refunds, replays and bad input."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime, timedelta

import httpx
import httpx2
import pytest
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    LiveServer,
    count,
    db_rows,
    follow_link,
    join_campaign,
    new_webhook_secret,
    order_paid,
    order_refunded,
    signed_headers,
)


def deliver(client: TestClient, secret: str, body: bytes, message_id: str) -> httpx2.Response:
    return client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )


def referred_order(
    client: TestClient, secret: str, order_id: str = "1001", email: str = "friend@example.com"
) -> dict[str, object]:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    ref = follow_link(client, str(doc["code"]), "whatsapp")
    response = deliver(client, secret, order_paid(order_id, email, "59.90", ref), f"msg_{order_id}")
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def test_a_referred_order_records_one_referral_a_pending_reward_and_the_friends_discount(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    result = referred_order(client, webhook_secret)
    assert result["status"] == "recorded" and result["reason"] == "referral"
    referral = db_rows(settings, "SELECT * FROM referrals")
    assert (
        len(referral) == 1 and referral[0]["via"] == "link" and referral[0]["click_id"] is not None
    )
    rewards = db_rows(
        settings,
        "SELECT side, email, type, value, amount_minor, status, approve_after FROM rewards ORDER BY side",
    )
    assert [
        (r["side"], r["email"], r["type"], r["amount_minor"], r["status"]) for r in rewards
    ] == [
        # 10 % off: the €59.90 paid is what was left of €66.56, so the checkout gave €6.66.
        ("friend", "friend@example.com", "percent_discount", 666, "fulfilled"),
        ("referrer", "anna@example.nl", "credit", 500, "pending"),
    ]
    due = datetime.fromisoformat(rewards[1]["approve_after"]).replace(tzinfo=UTC)
    assert timedelta(days=13, hours=23) < due - datetime.now(UTC) <= timedelta(days=14)


def test_a_replayed_webhook_counts_once(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    ref = follow_link(client, str(doc["code"]))
    body = order_paid("1001", "friend@example.com", ref=ref)
    assert deliver(client, webhook_secret, body, "msg_1").json()["status"] == "recorded"
    same_message = deliver(client, webhook_secret, body, "msg_1").json()
    new_message_same_order = deliver(client, webhook_secret, body, "msg_2").json()
    assert same_message == {"status": "duplicate", "reason": "message_already_processed"}
    assert new_message_same_order == {"status": "duplicate", "reason": "order_already_recorded"}
    assert (count(settings, "referrals"), count(settings, "rewards")) == (1, 2)


def test_the_refund_revokes_pending_rewards_once(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(client, webhook_secret)
    refund = deliver(client, webhook_secret, order_refunded("1001"), "msg_refund").json()
    assert refund == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}
    statuses = db_rows(settings, "SELECT side, status, revoke_reason FROM rewards ORDER BY side")
    # The friend's discount was given at the checkout: neither revoked nor owed back.
    assert [tuple(r) for r in statuses] == [
        ("friend", "fulfilled", None),
        ("referrer", "revoked", "refund"),
    ]
    again = deliver(client, webhook_secret, order_refunded("1001"), "msg_refund_2").json()
    assert again == {"status": "duplicate", "reason": "order_already_refunded"}
    unknown = deliver(client, webhook_secret, order_refunded("9999"), "msg_refund_3").json()
    # Before its order: kept, and applied when the order arrives (tests/test_out_of_order.py).
    assert unknown == {"status": "recorded", "reason": "awaiting_order"}


def test_self_referral_is_ignored_and_rewards_nobody(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    result = referred_order(client, webhook_secret, email="Anna+second@Example.nl")
    assert result == {"status": "ignored", "reason": "self_referral"}
    assert (count(settings, "referrals"), count(settings, "rewards")) == (0, 0)


def test_repeat_customers_earn_nothing_in_a_new_customers_campaign(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    assert deliver(
        client, webhook_secret, order_paid("900", "friend@example.com"), "m900"
    ).json() == {
        "status": "ignored",
        "reason": "no_ref",
    }
    result = referred_order(client, webhook_secret, order_id="1001")
    assert result == {"status": "ignored", "reason": "repeat_customer"}
    assert count(settings, "rewards") == 0


def test_a_typed_referral_code_attributes_the_order(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    as_ref = deliver(
        client, webhook_secret, order_paid("1", "a@example.com", ref=str(doc["code"]).lower()), "m1"
    ).json()
    as_coupon = deliver(
        client,
        webhook_secret,
        order_paid("2", "b@example.com", coupon_codes=["WELCOME", doc["code"]]),
        "m2",
    ).json()
    assert as_ref["reason"] == as_coupon["reason"] == "referral_code"
    assert [r[0] for r in db_rows(settings, "SELECT via FROM referrals")] == ["code", "code"]


def test_bad_refs_are_ignored_with_a_reason_and_write_no_referral(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    ref = follow_link(client, str(doc["code"]))
    cases = {
        "invalid_ref": ref[:-4] + "AAAA",
        "unknown_ref": "NOPE-2345",
    }
    for n, (reason, bad_ref) in enumerate(cases.items()):
        result = deliver(
            client, webhook_secret, order_paid(f"{n}", f"f{n}@example.com", ref=bad_ref), f"m{n}"
        ).json()
        assert result == {"status": "ignored", "reason": reason}
    assert (count(settings, "referrals"), count(settings, "rewards")) == (0, 0)


def test_a_ref_older_than_the_attribution_window_is_expired(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    import hashlib

    from itsdangerous import TimestampSigner

    doc = join_campaign(client, "anna@example.nl", "Anna")
    key = db_rows(settings, "SELECT value FROM secrets WHERE name = 'secret_key'")[0][0]
    signer = TimestampSigner(key, salt="shareback.ref", digest_method=hashlib.sha256)
    signer.get_timestamp = lambda: int((datetime.now(UTC) - timedelta(days=31)).timestamp())  # type: ignore[method-assign]
    old_ref = signer.sign(f"{doc['code']}.oldclick").decode()
    result = deliver(
        client, webhook_secret, order_paid("1", "f@example.com", ref=old_ref), "m1"
    ).json()
    assert result == {"status": "ignored", "reason": "ref_expired"}
    assert count(settings, "rewards") == 0


def test_unsigned_tampered_stale_and_wrongly_signed_webhooks_are_refused(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    body = order_paid("1001", "friend@example.com", ref=str(doc["code"]))
    good = signed_headers(webhook_secret, body, "msg_1")
    cases = [
        ({}, body, 400, "missing_signature_headers"),
        ({**good, "webhook-signature": "v1," + "A" * 44}, body, 401, "invalid_signature"),
        (good, body.replace(b"59.90", b"5.90"), 401, "invalid_signature"),
        (signed_headers(new_webhook_secret(), body, "msg_1"), body, 401, "invalid_signature"),
        (
            signed_headers(
                webhook_secret, body, "msg_1", datetime.now(UTC) - timedelta(minutes=10)
            ),
            body,
            401,
            "stale_timestamp",
        ),
    ]
    for headers, content, status, code in cases:
        response = client.post("/webhooks/orders", content=content, headers=headers)
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code
    assert (
        count(settings, "orders"),
        count(settings, "referrals"),
        count(settings, "webhook_messages"),
    ) == (0, 0, 0)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"[]", 422, "invalid_body"),
        (b'{"type": "order.paid"}', 422, "invalid_body"),
        (
            b'{"type": "order.paid", "data": {"email": "a@example.com", "total": "1.00"}}',
            422,
            "invalid_order",
        ),
        (
            b'{"type": "order.paid", "data": {"order_id": "1", "email": "a@example.com", "total": "1.001"}}',
            422,
            "invalid_order",
        ),
        (
            b'{"type": "order.paid", "data": {"order_id": "1", "email": "a@example.com", "total": true}}',
            422,
            "invalid_order",
        ),
        (
            b'{"type": "order.paid", "data": {"order_id": "1", "email": "nope", "total": "1.00"}}',
            422,
            "invalid_order",
        ),
        (
            b'{"type": "order.paid", "data": {"order_id": "1", "total": "1.00", "currency": "euro"}}',
            422,
            "invalid_order",
        ),
        (
            b'{"type": "order.paid", "data": {"order_id": "1", "total": "1.00", "coupon_codes": "X"}}',
            422,
            "invalid_order",
        ),
    ],
)
def test_malformed_bodies_are_4xx_and_write_nothing(
    client: TestClient, settings: Settings, webhook_secret: str, body: bytes, status: int, code: str
) -> None:
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "msg_1")
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)
    # The message id was not burnt: the corrected delivery still goes through.
    fixed = order_paid("1", "a@example.com")
    assert deliver(client, webhook_secret, fixed, "msg_1").json()["status"] == "ignored"


def test_huge_bodies_are_refused(client: TestClient, webhook_secret: str) -> None:
    body = order_paid("1", "a@example.com", note="x" * 400_000)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m")
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_json_number_totals_stay_exact(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    body = b'{"type": "order.paid", "data": {"order_id": "7", "email": "a@example.com", "total": 59.9}}'
    assert deliver(client, webhook_secret, body, "m7").json()["status"] == "ignored"
    assert db_rows(settings, "SELECT total_minor FROM orders")[0][0] == 5990


def test_unknown_event_types_are_acknowledged_and_ignored(
    client: TestClient, webhook_secret: str
) -> None:
    body = json.dumps({"type": "customer.created", "data": {}}).encode()
    assert deliver(client, webhook_secret, body, "m").json() == {
        "status": "ignored",
        "reason": "unsupported_type",
    }


def test_hold_period_approval_with_time_moved_forward(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    import asyncio as aio

    from shareback.storage import open_store

    referred_order(client, webhook_secret)

    async def approve(at: datetime) -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(at)
        finally:
            await store.close()

    assert aio.run(approve(datetime.now(UTC) + timedelta(days=13))) == 0
    assert aio.run(approve(datetime.now(UTC) + timedelta(days=14, minutes=1))) == 1
    # The referrer's €5 credit is added to Anna's balance the moment it is approved.
    statuses = "SELECT status FROM rewards ORDER BY side"
    assert [r[0] for r in db_rows(settings, statuses)] == ["fulfilled", "fulfilled"]
    # A refund after approval no longer revokes: it leaves clawbacks (tests/test_clawbacks.py).
    refund = deliver(client, webhook_secret, order_refunded("1001"), "msg_refund").json()
    assert refund == {"status": "recorded", "reason": "refunded", "rewards_clawed_back": 1}
    assert [r[0] for r in db_rows(settings, statuses)] == ["fulfilled", "fulfilled"]


def test_100_concurrent_deliveries_of_one_order_record_it_once(
    settings: Settings, webhook_secret: str
) -> None:
    """Real uvicorn on loopback, 100 simultaneous deliveries (each its own message id)."""
    with LiveServer(
        create_app(dataclasses.replace(settings, public_url="http://127.0.0.1"))
    ) as live:

        async def run() -> list[dict[str, str]]:
            async with httpx.AsyncClient(
                base_url=live.url, headers={"user-agent": BROWSER_UA}, timeout=60
            ) as http:
                joined = await http.post(
                    "/api/v1/advocates", json={"campaign": "default", "email": "anna@example.nl"}
                )
                code = joined.json()["code"]
                redirect = await http.get(f"/r/{code}")
                ref = httpx.URL(redirect.headers["location"]).params["ref"]
                body = order_paid("1001", "friend@example.com", ref=ref)
                responses = await asyncio.gather(
                    *(
                        http.post(
                            "/webhooks/orders",
                            content=body,
                            headers=signed_headers(webhook_secret, body, f"msg_{n}"),
                        )
                        for n in range(100)
                    )
                )
                assert all(r.status_code == 200 for r in responses)
                return [r.json() for r in responses]

        results = asyncio.run(run())
    statuses = [r["status"] for r in results]
    assert statuses.count("recorded") == 1 and statuses.count("duplicate") == 99
    assert (
        count(settings, "orders"),
        count(settings, "referrals"),
        count(settings, "rewards"),
    ) == (1, 1, 2)


def test_100_concurrent_replays_of_one_message_record_it_once(
    settings: Settings, webhook_secret: str
) -> None:
    with LiveServer(create_app(settings)) as live:
        body = order_paid("1001", "friend@example.com")
        headers = signed_headers(webhook_secret, body, "msg_same")

        async def run() -> list[str]:
            async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
                responses = await asyncio.gather(
                    *(
                        http.post("/webhooks/orders", content=body, headers=headers)
                        for _ in range(100)
                    )
                )
                return [r.json()["status"] for r in responses]

        statuses = asyncio.run(run())
    assert statuses.count("ignored") == 1 and statuses.count("duplicate") == 99
    assert count(settings, "orders") == 1
