"""POST /webhooks/shopify with Shopify's own order and refund payloads, signed the way Shopify signs."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from itsdangerous import TimestampSigner
from platform_support import (
    SHOPIFY_ORDER,
    SHOPIFY_REFUND,
    compact,
    fixture,
    fixture_bytes,
    referral,
    shopify_headers,
    with_platform_secrets,
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
    client: TestClient, body: bytes, topic: str = "orders/paid", webhook_id: str = "wh-1"
) -> httpx2.Response:
    return client.post(
        "/webhooks/shopify", content=body, headers=shopify_headers(body, topic, webhook_id)
    )


def order(**changes: Any) -> dict[str, Any]:
    """Shopify's doc order #1001 as a webhook carries it: the bare order, no {"order": …} wrapper."""
    document: dict[str, Any] = fixture(SHOPIFY_ORDER)["order"]
    document.update(changes)
    return document


def with_cart_ref(ref: str) -> dict[str, Any]:
    document = order()
    document["note_attributes"].append({"name": "shareback_ref", "value": ref})
    return document


def refund(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = fixture(SHOPIFY_REFUND)["refund"]
    document.update(changes)
    return document


def rewards(settings: Settings) -> dict[str, tuple[int, str]]:
    rows = db_rows(settings, "SELECT side, amount_minor, status FROM rewards")
    return {r["side"]: (r["amount_minor"], r["status"]) for r in rows}


def test_an_order_paid_with_the_widget_ref_in_its_cart_attributes_records_a_referral(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    result = deliver(client, compact(with_cart_ref(ref))).json()
    assert result["status"] == "recorded" and result["reason"] == "referral"
    row = db_rows(
        settings,
        "SELECT r.via, r.click_id, o.* FROM referrals r JOIN orders o ON o.id = r.order_pk",
    )[0]
    assert (row["via"], row["source"], row["order_id"]) == ("link", "shopify", "450789469")
    assert (row["email"], row["total_minor"], row["currency"]) == (
        "bob.norman@mail.example.com",
        59894,
        "USD",
    )
    assert row["click_id"] is not None
    # The friend's discount is what Shopify says it gave (total_discounts 10.00), fulfilled at
    # the checkout; the fixed €5 credit for Anna waits for its hold.
    assert rewards(settings) == {"friend": (1000, "fulfilled"), "referrer": (500, "pending")}
    assert tuple(db_rows(settings, "SELECT subtotal_minor, discount_minor FROM orders")[0]) == (
        59700,
        1000,
    )


def test_the_ref_on_the_landing_page_url_attributes_the_order(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    body = compact(order(landing_site=f"/pages/welkom?utm_source=referral&ref={ref}"))
    assert deliver(client, body).json()["reason"] == "referral"
    assert db_rows(settings, "SELECT via FROM referrals")[0][0] == "link"


def test_an_advocates_code_typed_as_discount_code_attributes_the_order_in_any_case(
    client: TestClient, settings: Settings
) -> None:
    code, _ = referral(client)
    codes = [{"code": "TENOFF", "amount": "10.00", "type": "fixed_amount"}]
    codes.append({"code": code.lower(), "amount": "5.00", "type": "fixed_amount"})
    result = deliver(client, compact(order(discount_codes=codes))).json()
    assert result["status"] == "recorded" and result["reason"] == "referral_code"
    assert db_rows(settings, "SELECT via FROM referrals")[0][0] == "code"


def test_a_typed_code_still_counts_when_the_cart_ref_no_longer_verifies(
    client: TestClient,
) -> None:
    code, ref = referral(client)
    document = with_cart_ref(ref[:-4] + "AAAA")
    document["discount_codes"] = [{"code": code, "amount": "5.00", "type": "fixed_amount"}]
    assert deliver(client, compact(document)).json()["reason"] == "referral_code"
    tampered_only = with_cart_ref(ref[:-4] + "AAAA")
    tampered_only["id"] = 2
    assert deliver(client, compact(tampered_only), webhook_id="wh-2").json() == {
        "status": "ignored",
        "reason": "invalid_ref",
    }


def test_a_typed_code_counts_when_the_cart_ref_is_past_the_attribution_window(
    client: TestClient, settings: Settings
) -> None:
    code, _ = referral(client)
    key = db_rows(settings, "SELECT value FROM secrets WHERE name = 'secret_key'")[0][0]
    signer = TimestampSigner(key, salt="shareback.ref", digest_method=hashlib.sha256)
    signer.get_timestamp = lambda: int((datetime.now(UTC) - timedelta(days=31)).timestamp())  # type: ignore[method-assign]
    old_ref = signer.sign(f"{code}.oldclick").decode()
    expired_only = with_cart_ref(old_ref)
    assert deliver(client, compact(expired_only)).json() == {
        "status": "ignored",
        "reason": "ref_expired",
    }
    with_code = with_cart_ref(old_ref)
    with_code.update(id=2, email="second.friend@example.com")
    with_code["discount_codes"] = [{"code": code, "amount": "5.00", "type": "fixed_amount"}]
    result = deliver(client, compact(with_code), webhook_id="wh-2").json()
    assert result["status"] == "recorded" and result["reason"] == "referral_code"


def test_the_published_order_and_refund_bytes_verbatim(
    client: TestClient, settings: Settings
) -> None:
    """The fixtures untouched (still in the REST API's {"order": …} wrapper, which is accepted)."""
    paid = deliver(client, fixture_bytes(SHOPIFY_ORDER)).json()
    assert paid == {"status": "ignored", "reason": "no_ref"}  # TENOFF is no advocate's code
    assert tuple(db_rows(settings, "SELECT order_id, total_minor, currency FROM orders")[0]) == (
        "450789469",
        59894,
        "USD",
    )
    refunded = deliver(client, fixture_bytes(SHOPIFY_REFUND), "refunds/create", "wh-2").json()
    assert refunded == {"status": "recorded", "reason": "partially_refunded"}
    assert db_rows(settings, "SELECT refunded_minor FROM orders")[0][0] == 20900


def test_a_refund_shrinks_the_percentage_reward_and_counts_once(
    client: TestClient, settings: Settings
) -> None:
    percent_for_the_referrer(settings)
    _, ref = referral(client)
    deliver(client, compact(with_cart_ref(ref)))
    body = compact(refund())
    first = deliver(client, body, "refunds/create", "wh-refund").json()
    assert first == {"status": "recorded", "reason": "partially_refunded", "rewards_reduced": 1}
    # 209.00 of 598.94 refunded: the referrer's 10 % is now of 389.94; the checkout's discount
    # stays what it was.
    assert rewards(settings) == {"friend": (1000, "fulfilled"), "referrer": (3899, "pending")}
    replay = deliver(client, body, "refunds/create", "wh-refund").json()
    resent = deliver(client, body, "refunds/create", "wh-refund-again").json()
    assert replay == {"status": "duplicate", "reason": "message_already_processed"}
    assert resent == {"status": "duplicate", "reason": "refund_already_recorded"}
    assert rewards(settings)["referrer"] == (3899, "pending")


def test_refunds_adding_up_to_the_total_revoke_the_rewards(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    deliver(client, compact(with_cart_ref(ref)))
    deliver(client, compact(refund()), "refunds/create", "wh-r1")
    rest = refund(id=509562970)
    rest["transactions"][0].update(id=179259970, amount="389.94")
    result = deliver(client, compact(rest), "refunds/create", "wh-r2").json()
    assert result == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}
    assert {side: status for side, (_, status) in rewards(settings).items()} == {
        "friend": "fulfilled",
        "referrer": "revoked",
    }
    assert db_rows(settings, "SELECT status FROM orders")[0][0] == "refunded"


def test_a_refund_without_money_returned_is_ignored(client: TestClient, settings: Settings) -> None:
    deliver(client, fixture_bytes(SHOPIFY_ORDER))
    restock_only = refund(transactions=[])
    assert deliver(client, compact(restock_only), "refunds/create", "wh-r").json() == {
        "status": "ignored",
        "reason": "nothing_refunded",
    }
    failed = refund()
    failed["transactions"][0]["status"] = "failure"
    assert deliver(client, compact(failed), "refunds/create", "wh-r2").json()["reason"] == (
        "nothing_refunded"
    )
    assert count(settings, "order_refunds") == 0


def test_orders_create_counts_only_once_the_order_is_paid(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    awaiting = with_cart_ref(ref)
    awaiting["financial_status"] = "pending"
    assert deliver(client, compact(awaiting), "orders/create", "wh-1").json() == {
        "status": "ignored",
        "reason": "not_paid",
    }
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)
    assert deliver(client, compact(with_cart_ref(ref)), "orders/paid", "wh-2").json()["reason"] == (
        "referral"
    )
    paid_at_once = with_cart_ref(ref)
    paid_at_once["financial_status"] = "paid"
    assert deliver(client, compact(paid_at_once), "orders/create", "wh-3").json() == {
        "status": "duplicate",
        "reason": "order_already_recorded",
    }
    assert (count(settings, "referrals"), count(settings, "rewards")) == (1, 2)


def test_a_replayed_notification_counts_once(client: TestClient, settings: Settings) -> None:
    _, ref = referral(client)
    body = compact(with_cart_ref(ref))
    assert deliver(client, body, webhook_id="wh-1").json()["status"] == "recorded"
    assert deliver(client, body, webhook_id="wh-1").json() == {
        "status": "duplicate",
        "reason": "message_already_processed",
    }
    assert deliver(client, body, webhook_id="wh-2").json() == {
        "status": "duplicate",
        "reason": "order_already_recorded",
    }
    assert (count(settings, "orders"), count(settings, "rewards")) == (1, 2)


def test_unsigned_wrongly_signed_and_tampered_notifications_are_refused(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    body = compact(with_cart_ref(ref))
    good = shopify_headers(body, "orders/paid", "wh-1")
    unsigned = {k: v for k, v in good.items() if k != "x-shopify-hmac-sha256"}
    cases = [
        (unsigned, body, "missing_signature"),
        (
            shopify_headers(body, "orders/paid", "wh-1", secret="another shop"),
            body,
            "invalid_signature",
        ),
        (good, body.replace(b'"598.94"', b'"5.94"'), "invalid_signature"),
        ({**good, "x-shopify-hmac-sha256": "not base64 at all"}, body, "invalid_signature"),
    ]
    for headers, content, code in cases:
        response = client.post("/webhooks/shopify", content=content, headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == code
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (b"{not json", 400, "malformed_json", None),
        (b"[1, 2]", 422, "invalid_body", None),
        (compact(order(id=None)), 422, "invalid_order", "id"),
        (compact(order(total_price="lots")), 422, "invalid_order", "total_price"),
        (compact(order(total_price="1.001")), 422, "invalid_order", "total_price"),
        (compact(order(currency="dollars")), 422, "invalid_order", "currency"),
        (compact(order(note_attributes="shareback_ref")), 422, "invalid_order", "note_attributes"),
        (compact(order(customer=[])), 422, "invalid_order", "customer"),
    ],
)
def test_malformed_orders_are_4xx_and_write_nothing(
    client: TestClient,
    settings: Settings,
    body: bytes,
    status: int,
    code: str,
    field: str | None,
) -> None:
    response = deliver(client, body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"].get("field") == field
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)


def test_a_refund_for_an_unknown_order_waits_for_it(client: TestClient) -> None:
    assert deliver(client, compact(refund()), "refunds/create").json() == {
        "status": "recorded",
        "reason": "awaiting_order",
    }


def test_other_topics_are_acknowledged_and_a_missing_topic_is_an_error(
    client: TestClient, settings: Settings
) -> None:
    body = compact({"id": 632910392, "title": "IPod Nano - 8GB"})
    assert deliver(client, body, "products/update").json() == {
        "status": "ignored",
        "reason": "unsupported_topic",
    }
    headers = shopify_headers(body, "orders/paid", "wh-1")
    del headers["x-shopify-topic"]
    response = client.post("/webhooks/shopify", content=body, headers=headers)
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_topic"
    assert count(settings, "webhook_messages") == 0


def test_shopifys_newer_header_names_without_x_are_accepted(
    client: TestClient, settings: Settings
) -> None:
    """Shopify now also sends Shopify-Hmac-Sha256, Shopify-Topic, Shopify-Webhook-Id."""
    _, ref = referral(client)
    body = compact(with_cart_ref(ref))
    classic = shopify_headers(body, "orders/paid", "wh-new-names")
    newer = {k.removeprefix("x-"): v for k, v in classic.items()}
    assert "shopify-hmac-sha256" in newer and not any(k.startswith("x-") for k in newer)
    first = client.post("/webhooks/shopify", content=body, headers=newer)
    assert first.status_code == 200 and first.json()["status"] == "recorded", first.text
    # The same delivery under the classic names is recognised by its id: counted once.
    again = client.post("/webhooks/shopify", content=body, headers=classic)
    assert again.json()["status"] == "duplicate"
    assert count(settings, "orders") == 1
    tampered = {**newer, "shopify-hmac-sha256": classic["x-shopify-hmac-sha256"][::-1]}
    assert client.post("/webhooks/shopify", content=body, headers=tampered).status_code == 401
