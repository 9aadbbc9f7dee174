"""The security review's money findings, each replayed against every webhook and now failing to
pay out: rewards are booked only from an amount in the campaign's currency, codes that are no
currency are refused, Stripe and Shopify amounts keep their real minor units, a zero-value
order earns nothing, and absurd decimals (1e999999) are a 4xx, never a 500. Both engines."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from platform_support import (
    SHOPIFY_ORDER,
    SHOPIFY_REFUND,
    STRIPE_SESSION,
    WOO_UPDATED,
    compact,
    fixture,
    referral,
    shopify_headers,
    stripe_headers,
    with_platform_secrets,
    woocommerce_headers,
)
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import (
    campaigns_in,
    count,
    db_rows,
    join_campaign,
    order_paid,
    percent_for_the_referrer,
    signed_headers,
)
from test_admin_auth import admin, form_token
from test_admin_dashboard import VALID
from test_owner_api import ADMIN_KEY, SUMMER, Owner, error_of

__all__ = ["admin"]
ABSURD = "1e999999"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    from dataclasses import replace

    return replace(with_platform_secrets(settings), admin_api_key=ADMIN_KEY)


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def generic(client: TestClient, secret: str, body: bytes, message_id: str) -> httpx2.Response:
    return client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )


def shopify(client: TestClient, order: dict[str, Any], webhook_id: str = "w1") -> httpx2.Response:
    body = compact(order)
    headers = shopify_headers(body, "orders/paid", webhook_id)
    return client.post("/webhooks/shopify", content=body, headers=headers)


def shopify_refund(client: TestClient, refund: dict[str, Any], webhook_id: str) -> httpx2.Response:
    body = compact(refund)
    headers = shopify_headers(body, "refunds/create", webhook_id)
    return client.post("/webhooks/shopify", content=body, headers=headers)


def stripe(client: TestClient, event: dict[str, Any]) -> httpx2.Response:
    body = compact(event)
    return client.post("/webhooks/stripe", content=body, headers=stripe_headers(body))


def woocommerce(client: TestClient, order: dict[str, Any]) -> httpx2.Response:
    body = compact(order)
    headers = woocommerce_headers(body, "order.updated", "d1")
    return client.post("/webhooks/woocommerce", content=body, headers=headers)


def shopify_order(ref: str, amount: str, currency: str, **prices: Any) -> dict[str, Any]:
    order: dict[str, Any] = fixture(SHOPIFY_ORDER)["order"]
    order["note_attributes"].append({"name": "shareback_ref", "value": ref})
    shop = {"amount": amount, "currency_code": currency}
    order.update(
        currency=currency,
        presentment_currency=currency,
        total_price=amount,
        total_price_set={"shop_money": shop, "presentment_money": prices.get("shopper", shop)},
    )
    return order


def stripe_session(ref: str, amount: int, currency: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = fixture(STRIPE_SESSION)
    event["data"]["object"].update(
        client_reference_id=ref, amount_total=amount, currency=currency.lower(), **changes
    )
    return event


def woocommerce_order(ref: str, total: str, currency: str) -> dict[str, Any]:
    order: dict[str, Any] = fixture(WOO_UPDATED)
    order["meta_data"].append({"id": 1, "key": "shareback_ref", "value": ref})
    order.update(total=total, currency=currency)
    return order


def rewards(settings: Settings) -> dict[str, int | None]:
    rows = db_rows(settings, "SELECT side, amount_minor FROM rewards")
    return {row["side"]: row["amount_minor"] for row in rows}


def referral_row(owner: Owner) -> dict[str, Any]:
    data: list[dict[str, Any]] = owner.get("/api/v1/referrals").json()["data"]
    assert len(data) == 1
    return data[0]


# --- Rewards inflated by the order's currency


@pytest.mark.parametrize(
    ("total", "currency"), [("25000", "HUF"), ("1000000", "IDR"), ("100.00", "USD")]
)
def test_an_order_in_another_currency_books_no_reward_in_the_campaigns(
    client: TestClient,
    settings: Settings,
    webhook_secret: str,
    owner: Owner,
    admin: TestClient,
    total: str,
    currency: str,
) -> None:
    """In the EUR campaign with 10 %, 25,000 HUF once booked a €2,500 reward, 1,000,000 IDR
    €100,000: the referral is now kept without rewards, and says why everywhere."""
    code, _ = referral(client)
    body = order_paid("1001", "friend@example.com", total, code, currency=currency)
    answer = generic(client, webhook_secret, body, "m1").json()
    assert (answer["status"], answer["reason"]) == ("recorded", "currency_mismatch")
    assert count(settings, "rewards") == 0
    assert db_rows(settings, "SELECT type FROM outbox WHERE type LIKE 'reward%'") == []
    shown = referral_row(owner)
    assert shown["no_reward_reason"] == "currency_mismatch"
    assert shown["order"]["total"]["currency"] == currency
    feed = admin.get("/admin/activity?campaign=default").text
    assert "no reward: it is not in the campaign" in feed
    csv = owner.get("/api/v1/exports/referrals.csv").text
    assert csv.splitlines()[0].endswith(',"no_reward_reason"')
    assert csv.splitlines()[1].endswith(',"currency_mismatch"')


def test_the_shop_money_of_an_order_in_another_currency_earns_the_reward(
    client: TestClient, settings: Settings, webhook_secret: str, owner: Owner
) -> None:
    """The same 25,000 HUF order with its amount in the shop's euros: 10 % of €63.10."""
    percent_for_the_referrer(settings)  # the share of the order, pending
    code, _ = referral(client)
    body = order_paid(
        "1001",
        "friend@example.com",
        "25000",
        code,
        currency="HUF",
        shop_money={"amount": "63.10", "currency": "EUR"},
    )
    answer = generic(client, webhook_secret, body, "m1").json()
    assert (answer["status"], answer["reason"]) == ("recorded", "referral_code")
    assert rewards(settings)["referrer"] == 631
    shown = referral_row(owner)
    assert (shown["no_reward_reason"], shown["order"]["total"]["amount"]) == (None, "63.10")
    # A refund in the shopper's forints counts for its share of the euros: 10,000 of 25,000.
    refund = {"order_id": "1001", "amount": "10000", "currency": "HUF", "refund_id": "r1"}
    body = json.dumps({"type": "order.refunded", "data": refund}).encode()
    assert generic(client, webhook_secret, body, "m2").json()["reason"] == "partially_refunded"
    assert rewards(settings)["referrer"] == 379  # 10 % of the €37.86 kept


def test_shopify_books_rewards_from_the_shops_money_not_the_shoppers(
    client: TestClient, settings: Settings
) -> None:
    """A shopper paying 25,000 HUF in an EUR shop: total_price_set.shop_money is the base, and
    the refund Shopify sends in forints shrinks the reward by its share."""
    percent_for_the_referrer(settings)  # the share of the order, pending
    _, ref = referral(client)
    order = shopify_order(ref, "63.10", "EUR", shopper={"amount": "25000", "currency_code": "HUF"})
    assert shopify(client, order).json()["reason"] == "referral"
    assert rewards(settings)["referrer"] == 631
    refund: dict[str, Any] = fixture(SHOPIFY_REFUND)["refund"]
    refund["transactions"][0].update(amount="12500", currency="HUF")
    answer = shopify_refund(client, refund, "w2").json()
    assert answer["reason"] == "partially_refunded"
    assert rewards(settings)["referrer"] == 316  # 10 % of the €31.55 kept


def test_a_shopify_shop_in_another_currency_than_the_campaign_earns_nothing(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    answer = shopify(client, shopify_order(ref, "25000.00", "HUF")).json()
    assert (answer["status"], answer["reason"]) == ("recorded", "currency_mismatch")
    assert count(settings, "rewards") == 0


def test_a_stripe_session_in_another_currency_than_the_campaign_earns_nothing(
    client: TestClient, settings: Settings
) -> None:
    """The settlement currency is not in Stripe's event: the session's currency must match."""
    _, ref = referral(client)
    answer = stripe(client, stripe_session(ref, 2500000, "HUF")).json()
    assert (answer["status"], answer["reason"]) == ("recorded", "currency_mismatch")
    assert count(settings, "rewards") == 0


def test_a_localised_stripe_session_earns_from_its_amount_in_the_campaigns_currency(
    client: TestClient, settings: Settings
) -> None:
    """Adaptive Pricing (sessions before 2025-03-31): the integration's own EUR amount counts."""
    percent_for_the_referrer(settings)  # the share of the order, pending
    _, ref = referral(client)
    conversion = {
        "amount_subtotal": 6310,
        "amount_total": 6310,
        "fx_rate": "396.2",
        "source_currency": "eur",
    }
    event = stripe_session(ref, 2500000, "HUF", currency_conversion=conversion)
    assert stripe(client, event).json()["reason"] == "referral"
    assert rewards(settings)["referrer"] == 631


def test_a_woocommerce_order_in_another_currency_earns_nothing(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    answer = woocommerce(client, woocommerce_order(ref, "1000000", "IDR")).json()
    assert (answer["status"], answer["reason"]) == ("recorded", "currency_mismatch")
    assert count(settings, "rewards") == 0


# --- codes that are no currency


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU", "USN"])
def test_orders_in_codes_that_are_no_currency_are_refused_by_every_webhook(
    client: TestClient, settings: Settings, webhook_secret: str, code: str
) -> None:
    _, ref = referral(client)
    body = order_paid("1001", "friend@example.com", "59.90", ref, currency=code)
    answers = [
        generic(client, webhook_secret, body, "m1"),
        shopify(client, shopify_order(ref, "59.90", code)),
        stripe(client, stripe_session(ref, 5990, code)),
        woocommerce(client, woocommerce_order(ref, "59.90", code)),
    ]
    assert [(a.status_code, a.json()["error"]["code"]) for a in answers] == [
        (422, "invalid_order")
    ] * 4
    assert [a.json()["error"]["field"] for a in answers] == [
        "data.currency",
        "currency",
        "data.object.currency",
        "currency",
    ]
    assert count(settings, "orders") == 0


def test_a_campaign_in_a_code_that_is_no_currency_is_refused(
    owner: Owner, admin: TestClient
) -> None:
    for code in ("XXX", "XTS"):
        assert error_of(owner.post("/api/v1/campaigns", json={**SUMMER, "currency": code})) == (
            422,
            "invalid_currency",
            "currency",
        )
        token = form_token(admin, "/admin/campaigns/new")
        page = admin.post("/admin/campaigns", data={**VALID, "currency": code, "csrf": token})
        assert page.status_code == 400
        assert f"{code} is not a currency in use" in page.text


# --- the currency table: zero- and three-decimal currencies


def test_stripes_5000_xof_are_5000_francs(client: TestClient, settings: Settings) -> None:
    campaigns_in(settings, "XOF")
    percent_for_the_referrer(settings)  # the share of the order, pending
    _, ref = referral(client)
    assert stripe(client, stripe_session(ref, 5000, "XOF")).json()["reason"] == "referral"
    order = db_rows(settings, "SELECT total_minor, currency FROM orders")[0]
    assert (order["total_minor"], order["currency"]) == (5000, "XOF")
    assert rewards(settings)["referrer"] == 500  # 10 % of 5000 XOF, not of 50.00


def test_stripes_12340_omr_are_12_340_rials(
    client: TestClient, settings: Settings, owner: Owner
) -> None:
    campaigns_in(settings, "OMR")
    percent_for_the_referrer(settings)  # the share of the order, pending
    _, ref = referral(client)
    assert stripe(client, stripe_session(ref, 12340, "OMR")).json()["reason"] == "referral"
    total = referral_row(owner)["order"]["total"]
    assert (total["amount"], total["amount_minor"], total["currency"]) == ("12.340", 12340, "OMR")
    assert rewards(settings)["referrer"] == 1234  # 1.234 OMR


def test_shopifys_total_price_of_12_345_omr_is_taken(
    client: TestClient, settings: Settings, owner: Owner
) -> None:
    campaigns_in(settings, "OMR")
    _, ref = referral(client)
    answer = shopify(client, shopify_order(ref, "12.345", "OMR"))
    assert (answer.status_code, answer.json()["reason"]) == (200, "referral")
    assert referral_row(owner)["order"]["total"]["amount"] == "12.345"


# --- a €0.00 order still earned the fixed €5


def test_a_zero_value_order_earns_no_fixed_reward(
    client: TestClient, settings: Settings, webhook_secret: str, owner: Owner
) -> None:
    code, _ = referral(client)
    body = order_paid("1001", "friend@example.com", "0.00", code)
    answer = generic(client, webhook_secret, body, "m1").json()
    assert (answer["status"], answer["reason"]) == ("recorded", "below_minimum_order")
    assert count(settings, "rewards") == 0
    assert referral_row(owner)["no_reward_reason"] == "below_minimum_order"


def test_a_campaigns_minimum_order_is_its_own(
    client: TestClient, settings: Settings, webhook_secret: str, owner: Owner, admin: TestClient
) -> None:
    assert owner.get("/api/v1/campaigns/default").json()["min_order"] == "0.01"
    changed = owner.patch("/api/v1/campaigns/default", json={"min_order": "20.00"})
    assert changed.json()["min_order"] == "20.00"
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    below = order_paid("1", "f1@example.com", "19.99", code)
    at = order_paid("2", "f2@example.com", "20.00", code)
    assert generic(client, webhook_secret, below, "m1").json()["reason"] == "below_minimum_order"
    assert generic(client, webhook_secret, at, "m2").json()["reason"] == "referral_code"
    assert count(settings, "rewards") == 2
    feed = admin.get("/admin/activity?campaign=default").text
    assert "no reward: below the minimum order" in feed
    # In JPY the same number of units, rounded up to a whole yen; 0 lets every order earn.
    assert (
        owner.patch("/api/v1/campaigns/default", json={"currency": "JPY"}).json()["min_order"]
        == "20"
    )
    assert (
        owner.patch("/api/v1/campaigns/default", json={"min_order": "0"}).json()["min_order"] == "0"
    )


def test_the_dashboard_form_saves_the_minimum_order(
    admin: TestClient, owner: Owner, settings: Settings
) -> None:
    token = form_token(admin, "/admin/campaigns/new")
    data = {**VALID, "min_order": "12,50", "csrf": token}
    assert admin.post("/admin/campaigns", data=data, follow_redirects=False).status_code == 303
    assert owner.get("/api/v1/campaigns/summer").json()["min_order"] == "12.50"
    assert (
        db_rows(settings, "SELECT min_order_minor FROM campaigns WHERE slug = 'summer'")[0][0]
        == 1250
    )
    page = admin.get("/admin/campaigns/summer").text
    assert 'name="min_order" type="text" value="12.50"' in page


# --- 1e999999 in totals, refunds and reward values: a clear 4xx, never a 500


def test_absurd_totals_are_refused_by_every_webhook(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    _, ref = referral(client)
    answers = [
        generic(client, webhook_secret, order_paid("1", "f@example.com", ABSURD, ref), "m1"),
        generic(
            client,
            webhook_secret,
            order_paid(
                "2", "f@example.com", "1.00", ref, shop_money={"amount": ABSURD, "currency": "EUR"}
            ),
            "m2",
        ),
        shopify(client, shopify_order(ref, ABSURD, "EUR")),
        woocommerce(client, woocommerce_order(ref, ABSURD, "EUR")),
        stripe(client, stripe_session(ref, 10**400, "EUR")),
    ]
    assert [a.status_code for a in answers[:4]] == [422] * 4
    assert {a.json()["error"]["code"] for a in answers[:4]} == {"invalid_order"}
    # Stripe's amounts are JSON integers: one of 401 digits is refused by the JSON parser itself.
    assert (answers[4].status_code, answers[4].json()["error"]["code"]) == (400, "malformed_json")
    assert count(settings, "orders") == 0


def test_absurd_refund_amounts_are_refused(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    code, _ = referral(client)
    assert generic(client, webhook_secret, order_paid("1", "f@example.com", "10.00", code), "m1")
    # "\u0661\u0660" is ten in Arabic-Indic digits: Decimal() reads it, no checkout sends it.
    for n, amount in enumerate((ABSURD, "1e-999999", "-1e999999", "\u0661\u0660")):
        data = {"order_id": "1", "amount": amount}
        body = json.dumps({"type": "order.refunded", "data": data}).encode()
        answer = generic(client, webhook_secret, body, f"r{n}")
        assert answer.status_code == 422, amount
    refund: dict[str, Any] = fixture(SHOPIFY_REFUND)["refund"]
    refund["transactions"][0]["amount"] = ABSURD
    assert shopify_refund(client, refund, "w9").status_code == 422
    refund["transactions"][0]["amount"] = "\u0661\u0660"
    assert shopify_refund(client, refund, "w10").status_code == 422
    total = order_paid("2", "g@example.com", "\u0665\u0669.\u0669\u0660", code)
    assert generic(client, webhook_secret, total, "m2").status_code == 422


def test_absurd_reward_values_and_minimums_are_refused(owner: Owner, admin: TestClient) -> None:
    for kind in ("credit", "points", "percent_discount", "coupon"):
        body = {**SUMMER, "referrer_reward": {"type": kind, "value": ABSURD}}
        assert error_of(owner.post("/api/v1/campaigns", json=body))[:2] == (
            422,
            "invalid_referrer_reward",
        )
        token = form_token(admin, "/admin/campaigns/new")
        data = {**VALID, "referrer_reward_type": kind, "referrer_reward_value": ABSURD}
        page = admin.post("/admin/campaigns", data={**data, "csrf": token})
        assert page.status_code == 400
        assert 'id="f-referrer_reward_value-error"' in page.text
    for least in (ABSURD, "-1", "0.001", "ten"):
        assert error_of(owner.post("/api/v1/campaigns", json={**SUMMER, "min_order": least})) == (
            422,
            "invalid_min_order",
            "min_order",
        )


def test_an_order_in_another_currency_adds_nothing_to_the_campaigns_revenue(
    client: TestClient, webhook_secret: str, owner: Owner
) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    forints = order_paid("1", "f1@example.com", "25000", code, currency="HUF")
    euros = order_paid("2", "f2@example.com", "63.10", code)
    assert generic(client, webhook_secret, forints, "m1").json()["reason"] == "currency_mismatch"
    assert generic(client, webhook_secret, euros, "m2").json()["reason"] == "referral_code"
    stats = owner.get("/api/v1/campaigns/default/stats").json()
    assert stats["counts"]["conversions"] == 2
    assert stats["money"]["revenue"] == {"amount_minor": 6310, "amount": "63.10", "currency": "EUR"}
