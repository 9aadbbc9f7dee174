"""POST /webhooks/woocommerce with WooCommerce's documented orders, signed the way WooCommerce signs."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from platform_support import (
    WOO_CREATED,
    WOO_REFUND,
    WOO_UPDATED,
    compact,
    fixture,
    fixture_bytes,
    referral,
    with_platform_secrets,
    woocommerce_headers,
)
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import campaigns_in, count, db_rows, percent_for_the_referrer


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_platform_secrets(settings)


@pytest.fixture
def client(client: TestClient, settings: Settings) -> TestClient:
    """The vendors' sample orders are in USD: so is the campaign, as rewards are booked only
    from an amount in the campaign's own currency."""
    campaigns_in(settings, "USD")
    return client


def deliver(
    client: TestClient, body: bytes, topic: str = "order.updated", delivery: str = "d1"
) -> httpx2.Response:
    return client.post(
        "/webhooks/woocommerce", content=body, headers=woocommerce_headers(body, topic, delivery)
    )


def order(name: str = WOO_UPDATED, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = fixture(name)
    document.update(changes)
    return document


def with_ref(ref: str, name: str = WOO_UPDATED, **changes: Any) -> dict[str, Any]:
    """The order meta the PHP snippet of docs/connect/woocommerce.md writes from the cookie."""
    document = order(name, **changes)
    document["meta_data"].append({"id": 13110, "key": "shareback_ref", "value": ref})
    return document


def refund_line(refund: dict[str, Any]) -> dict[str, Any]:
    """How an order's refunds[] lists a refund object: its id, reason and negative total."""
    return {"id": refund["id"], "reason": refund["reason"], "total": "-" + refund["amount"]}


def rewards(settings: Settings) -> dict[str, tuple[int, str]]:
    rows = db_rows(settings, "SELECT side, amount_minor, status FROM rewards")
    return {r["side"]: (r["amount_minor"], r["status"]) for r in rows}


def test_an_order_created_processing_with_the_ref_in_its_meta_records_a_referral(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    result = deliver(client, compact(with_ref(ref, WOO_CREATED)), "order.created").json()
    assert result["status"] == "recorded" and result["reason"] == "referral"
    row = db_rows(settings, "SELECT * FROM orders")[0]
    assert (row["source"], row["order_id"], row["email"], row["total_minor"], row["currency"]) == (
        "woocommerce",
        "727",
        "john.doe@example.com",
        2935,
        "USD",
    )
    assert db_rows(settings, "SELECT friend_name FROM referrals")[0][0] == "John Doe"
    # discount_total is 0.00: the checkout gave the friend nothing off, and that is what is kept.
    assert rewards(settings) == {"friend": (0, "fulfilled"), "referrer": (500, "pending")}


def test_an_advocates_code_in_the_coupon_lines_attributes_the_order(
    client: TestClient, settings: Settings
) -> None:
    code, _ = referral(client)
    coupon = {"id": 320, "code": code.lower(), "discount": "2.94", "discount_tax": "0.00"}
    result = deliver(client, compact(order(coupon_lines=[coupon]))).json()
    assert result["reason"] == "referral_code"
    assert db_rows(settings, "SELECT via FROM referrals")[0][0] == "code"


def test_the_published_orders_verbatim(client: TestClient, settings: Settings) -> None:
    created = deliver(client, fixture_bytes(WOO_CREATED), "order.created", "d1").json()
    assert created == {"status": "ignored", "reason": "no_ref"}
    updated = deliver(client, fixture_bytes(WOO_UPDATED), "order.updated", "d2").json()
    assert updated == {"status": "duplicate", "reason": "order_already_recorded"}
    assert count(settings, "orders") == 1


def test_an_order_counts_once_it_is_paid(client: TestClient, settings: Settings) -> None:
    _, ref = referral(client)
    for status in ("pending", "on-hold", "failed", "cancelled"):
        body = compact(with_ref(ref, WOO_CREATED, status=status))
        assert deliver(client, body, "order.created", status).json() == {
            "status": "ignored",
            "reason": "not_paid",
        }
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)
    paid = deliver(client, compact(with_ref(ref, status="processing")), delivery="d2").json()
    assert paid["reason"] == "referral"
    completed = deliver(client, compact(with_ref(ref)), delivery="d3").json()
    assert completed == {"status": "duplicate", "reason": "order_already_recorded"}


def test_a_partial_refund_in_an_update_shrinks_the_reward_once(
    client: TestClient, settings: Settings
) -> None:
    percent_for_the_referrer(settings)
    _, ref = referral(client)
    deliver(client, compact(with_ref(ref, WOO_CREATED)), "order.created")
    refunded = with_ref(ref, refunds=[refund_line(fixture(WOO_REFUND))])
    first = deliver(client, compact(refunded), delivery="d2").json()
    assert first == {"status": "recorded", "reason": "partially_refunded", "rewards_reduced": 1}
    # 10.00 of 29.35 refunded: the referrer's 10 % is now of 19.35.
    assert rewards(settings) == {"friend": (0, "fulfilled"), "referrer": (194, "pending")}
    # Every later update lists the same refund again; it counts once.
    refunded["customer_note"] = "Leave at the door"
    again = deliver(client, compact(refunded), delivery="d3").json()
    assert again == {"status": "duplicate", "reason": "refund_already_recorded"}
    assert rewards(settings)["referrer"] == (194, "pending")
    assert db_rows(settings, "SELECT refunded_minor FROM orders")[0][0] == 1000


def test_an_order_turned_refunded_revokes_the_rewards(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    deliver(client, compact(with_ref(ref, WOO_CREATED)), "order.created")
    lines = [refund_line(fixture(WOO_REFUND)), {"id": 730, "reason": "", "total": "-19.35"}]
    result = deliver(client, compact(with_ref(ref, status="refunded", refunds=lines))).json()
    assert result == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}
    again = deliver(client, compact(with_ref(ref, status="refunded")), delivery="d2").json()
    assert again == {"status": "duplicate", "reason": "order_already_refunded"}
    assert {side: status for side, (_, status) in rewards(settings).items()} == {
        "friend": "fulfilled",
        "referrer": "revoked",
    }


def test_refunds_adding_up_to_the_total_refund_the_order_whatever_its_status(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    deliver(client, compact(with_ref(ref, WOO_CREATED)), "order.created")
    lines = [{"id": 731, "reason": "", "total": "-29.35"}]
    result = deliver(client, compact(with_ref(ref, refunds=lines))).json()
    assert result == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}


def test_an_order_first_seen_with_a_refund_is_recorded_then_refunded(
    client: TestClient, settings: Settings
) -> None:
    percent_for_the_referrer(settings)
    _, ref = referral(client)
    body = compact(with_ref(ref, refunds=[refund_line(fixture(WOO_REFUND))]))
    result = deliver(client, body).json()
    assert (result["status"], result["reason"], result["rewards_reduced"]) == (
        "recorded",
        "referral",
        1,
    )
    assert rewards(settings)["referrer"] == (194, "pending")


def test_a_refund_of_an_unknown_order_waits_for_it(client: TestClient) -> None:
    assert deliver(client, compact(order(status="refunded"))).json() == {
        "status": "recorded",
        "reason": "awaiting_order",
    }


def test_the_ping_sent_when_the_webhook_is_saved_is_answered_200(
    client: TestClient, settings: Settings
) -> None:
    response = client.post(
        "/webhooks/woocommerce",
        content=b"webhook_id=12",
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "user-agent": "WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"status": "ignored", "reason": "ping"}
    assert count(settings, "webhook_messages") == 0


def test_two_deliveries_in_the_same_second_sharing_a_delivery_id_both_count(
    client: TestClient, settings: Settings
) -> None:
    """WooCommerce's delivery id is a hash of the webhook id and the current second."""
    first = deliver(client, compact(order(id=801)), delivery="same-second").json()
    second = deliver(client, compact(order(id=802)), delivery="same-second").json()
    assert first == second == {"status": "ignored", "reason": "no_ref"}
    assert count(settings, "orders") == 2
    replay = deliver(client, compact(order(id=802)), delivery="same-second").json()
    assert replay == {"status": "duplicate", "reason": "message_already_processed"}


def test_unsigned_wrongly_signed_and_tampered_deliveries_are_refused(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    body = compact(with_ref(ref))
    good = woocommerce_headers(body, "order.updated", "d1")
    unsigned = {k: v for k, v in good.items() if k != "x-wc-webhook-signature"}
    cases = [
        (unsigned, body, "missing_signature"),
        (unsigned, b"webhook_id=12&status=completed", "missing_signature"),
        (
            woocommerce_headers(body, "order.updated", "d1", secret="wrong"),
            body,
            "invalid_signature",
        ),
        (good, body.replace(b'"29.35"', b'"2.35"'), "invalid_signature"),
    ]
    for headers, content, code in cases:
        response = client.post("/webhooks/woocommerce", content=content, headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == code
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (order(id="   "), "id"),
        (order(total="twenty"), "total"),
        (order(currency=""), "currency"),
        (order(billing="john.doe@example.com"), "billing"),
        (order(meta_data={"shareback_ref": "x"}), "meta_data"),
        (order(refunds=[{"id": 726, "total": "ten"}]), "refunds[0].total"),
        (order(refunds=["726"]), "refunds[0]"),
    ],
)
def test_malformed_orders_are_422_and_write_nothing(
    client: TestClient, settings: Settings, document: dict[str, Any], field: str
) -> None:
    response = deliver(client, compact(document))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)


def test_other_topics_are_acknowledged_and_a_missing_topic_is_an_error(
    client: TestClient,
) -> None:
    body = compact({"id": 93, "name": "Woo Single #1"})
    assert deliver(client, body, "product.updated").json() == {
        "status": "ignored",
        "reason": "unsupported_topic",
    }
    headers = woocommerce_headers(body, "order.updated", "d1")
    del headers["x-wc-webhook-topic"]
    response = client.post("/webhooks/woocommerce", content=body, headers=headers)
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_topic"
    malformed = b"{not json"
    response = deliver(client, malformed)
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json"
