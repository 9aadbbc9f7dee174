"""Last click between a partner's link and a customer's referral (docs/partners.md), through
signed webhooks: whichever link was followed last wins, a code typed at the checkout beats any
earlier link, two typed codes go to the first listed, and a partner's repeat-order window never
beats a customer's referral. Also the pure rules beneath: partners/attribution.py and
partners/commission.py."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from platform_support import SHOPIFY_ORDER, compact, fixture, shopify_headers, with_platform_secrets
from shareback.app import create_app
from shareback.partners import attribution, commission
from shareback.partners.attribution import Touch
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, campaigns_in, join_campaign
from test_owner_api import ADMIN_KEY, Owner
from test_partners_month import follow, paid


@pytest.fixture
def platform_settings(settings: Settings) -> Settings:
    return with_platform_secrets(settings)


@pytest.fixture
def platform_client(platform_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(platform_settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_api_key=ADMIN_KEY)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def a_partner(owner: Owner, coupon: str = "SANNE15") -> tuple[int, str]:
    made = owner.post(
        "/api/v1/partners", json={"email": "sanne@influencer.example", "name": "Sanne"}
    )
    assert made.status_code == 201, made.text
    partner_id = made.json()["id"]
    assert owner.post(f"/api/v1/partners/{partner_id}/approve").status_code == 200
    assert (
        owner.patch(f"/api/v1/partners/{partner_id}", json={"coupon_code": coupon}).status_code
        == 200
    )
    return partner_id, str(made.json()["code"])


def credited(owner: Owner, partner_id: int) -> list[str]:
    rows = owner.get(f"/api/v1/partners/{partner_id}/commissions").json()["data"]
    return sorted(r["order_id"] for r in rows if r["status"] == "pending")


def shopify_paid(client: TestClient, order_id: int, email: str, landed: str, cart: str) -> Any:
    """A Shopify order that kept two refs: the landing page's (the session's first landing) and
    the cart attribute the widget set (the latest link followed)."""
    order = fixture(SHOPIFY_ORDER)["order"]
    order.update(
        id=order_id,
        email=email,
        landing_site=f"https://shop.test/?ref={landed}",
        note_attributes=[{"name": "shareback_ref", "value": cart}],
        customer={**order["customer"], "id": order_id, "email": email},
    )
    body = compact(order)
    answer = client.post(
        "/webhooks/shopify",
        content=body,
        headers=shopify_headers(body, "orders/paid", f"w{order_id}"),
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_link_followed_last_wins_between_a_partner_and_a_customer(
    platform_client: TestClient, platform_settings: Settings
) -> None:
    client = platform_client
    owner = Owner(client, ADMIN_KEY)
    campaigns_in(platform_settings, "USD")  # the vendor's sample order is in dollars
    assert (
        owner.put("/api/v1/partner-programmes/default", json={"currency": "USD"}).status_code == 201
    )
    partner_id, code = a_partner(owner)
    anna = str(join_campaign(client, "anna@example.nl", "Anna")["code"])

    # The partner's link, then (a second later) the customer's: the customer's referral wins,
    # whichever of the two refs the platform lists first.
    partner_ref = follow(client, f"/r/{code}", "x1")
    time.sleep(1.1)  # refs are stamped to the second
    customer_ref = follow(client, f"/r/{anna}", "x2")
    later = shopify_paid(client, 5001, "f1@example.com", partner_ref, customer_ref)
    assert later["reason"] == "referral" and "commission_id" not in later
    swapped = shopify_paid(client, 5002, "f2@example.com", customer_ref, partner_ref)
    assert swapped["reason"] == "referral"
    # The reverse: the customer's link, then the partner's: the partner's commission.
    customer_ref = follow(client, f"/r/{anna}", "x3")
    time.sleep(1.1)
    partner_ref = follow(client, f"/r/{code}", "x4")
    reverse = shopify_paid(client, 5003, "f3@example.com", customer_ref, partner_ref)
    assert reverse["reason"] == "partner_commission"
    assert credited(owner, partner_id) == ["5003"]


def test_a_code_typed_at_checkout_beats_an_earlier_link_and_the_first_code_listed_wins(
    client: TestClient, webhook_secret: str
) -> None:
    owner = Owner(client, ADMIN_KEY)
    partner_id, code = a_partner(owner)
    joined = join_campaign(client, "anna@example.nl", "Anna")
    anna, anna_coupon = str(joined["code"]), str(joined["coupon_code"])

    # A customer's referral link, then the partner's code typed at the checkout: the partner.
    customer_ref = follow(client, f"/r/{anna}", "y1")
    typed = paid(
        client,
        webhook_secret,
        "b1",
        "3001",
        "f1@example.com",
        "40.00",
        customer_ref,
        coupon_codes=["sanne15"],
    )
    assert typed["reason"] == "partner_commission"
    # The partner's link, then a customer's code typed at the checkout: the customer.
    partner_ref = follow(client, f"/r/{code}", "y2")
    other = paid(
        client,
        webhook_secret,
        "b2",
        "3002",
        "f2@example.com",
        "40.00",
        partner_ref,
        coupon_codes=[anna_coupon],
    )
    assert other["reason"] == "referral_code"
    # Both codes typed at one checkout: the first listed wins, either way round.
    first_partner = paid(
        client,
        webhook_secret,
        "b3",
        "3003",
        "f3@example.com",
        "40.00",
        coupon_codes=["SANNE15", anna_coupon],
    )
    assert first_partner["reason"] == "partner_commission"
    first_customer = paid(
        client,
        webhook_secret,
        "b4",
        "3004",
        "f4@example.com",
        "40.00",
        coupon_codes=[anna_coupon, "SANNE15"],
    )
    assert first_customer["reason"] == "referral_code"
    assert credited(owner, partner_id) == ["3001", "3003"]


def test_a_rejected_partners_links_and_code_credit_nobody(
    client: TestClient, webhook_secret: str
) -> None:
    owner = Owner(client, ADMIN_KEY)
    partner_id, code = a_partner(owner)
    ref = follow(client, f"/r/{code}/instagram-bio", "z1")  # undeclared: the plain link
    assert owner.post(f"/api/v1/partners/{partner_id}/reject").json()["status"] == "rejected"
    assert client.get(f"/r/{code}", follow_redirects=False).status_code == 404
    gone = paid(
        client,
        webhook_secret,
        "c1",
        "4001",
        "f@example.com",
        "30.00",
        ref,
        coupon_codes=["SANNE15"],
    )
    assert gone["status"] == "ignored" and "commission_id" not in gone


def side(customer: Touch | None, partner: Touch | None) -> str | None:
    winner = attribution.last_click(customer, partner, NOW)
    return None if winner is None else winner.side


def test_last_click_rules() -> None:
    early, late = NOW - timedelta(days=3), NOW - timedelta(hours=1)
    customer_link = Touch("customer", "link", early)
    partner_link = Touch("partner", "link", late)
    assert attribution.last_click(customer_link, partner_link, NOW) == partner_link
    assert side(Touch("customer", "link", late), Touch("partner", "link", early)) == "customer"
    assert side(customer_link, Touch("partner", "code", position=0)) == "partner"
    assert (
        side(Touch("customer", "code", position=1), Touch("partner", "code", position=0))
        == "partner"
    )
    assert (
        side(Touch("customer", "code", position=0), Touch("partner", "code", position=1))
        == "customer"
    )
    assert side(Touch("customer", "link", early), Touch("partner", "window")) == "customer"
    assert attribution.last_click(None, partner_link, NOW) == partner_link
    same = Touch("partner", "link", early)
    assert side(customer_link, same) == "customer"  # a tie: the customer


TERMS = commission.Terms(
    rate_bp=1000, basis="first_order", window_days=30, hold_days=14, currency="EUR"
)


def facts(**changes: Any) -> commission.OrderFacts:
    base = {
        "total_minor": 5990,
        "kept_minor": 5990,
        "currency": "EUR",
        "paid_at": NOW,
        "customer_had_orders": False,
        "first_credited_at": None,
    }
    return commission.OrderFacts(**{**base, **changes})


def test_commission_rules() -> None:
    decided = commission.on_order(TERMS, facts())
    assert (decided.status, decided.amount_minor, decided.approve_after) == (
        "pending",
        599,
        NOW + timedelta(days=14),
    )
    assert commission.on_order(TERMS, facts(currency="USD")).reason == "other_currency"
    assert commission.on_order(TERMS, facts(customer_had_orders=True)).reason == "repeat_customer"
    every = commission.Terms(1000, "every_order", 30, 14, "EUR")
    assert commission.on_order(every, facts(customer_had_orders=True)).status == "pending"
    over = facts(customer_had_orders=True, first_credited_at=NOW - timedelta(days=31))
    assert commission.on_order(every, over).reason == "window_over"
    assert commission.on_order(TERMS, facts(kept_minor=0)).status == "revoked"
    # Refunds: pending ones shrink (rounded down), approved ones owe back once.
    assert commission.after_refund("pending", 599, 0, 1000, 2995, whole=False) == (
        commission.Adjustment(299, 0, False)
    )
    assert commission.after_refund("pending", 599, 0, 1000, 5990, whole=False) is None
    assert commission.after_refund("pending", 599, 0, 1000, 0, whole=True) == (
        commission.Adjustment(0, 0, True)
    )
    assert commission.after_refund("approved", 1000, 0, 1000, 7000, whole=False) == (
        commission.Adjustment(1000, 300, False)
    )
    assert commission.after_refund("approved", 1000, 300, 1000, 7000, whole=False) is None
    assert commission.after_refund("paid", 1000, 300, 1000, 0, whole=True) == (
        commission.Adjustment(1000, 700, False)
    )
    assert commission.after_refund("refused", 0, 0, 1000, 0, whole=True) is None
    assert commission.payout_minor(2500, 300) == 2200


def test_the_programmes_and_partners_terms_are_checked(client: TestClient) -> None:
    owner = Owner(client, ADMIN_KEY)
    url = "/api/v1/partner-programmes/default"
    for body, field in (
        ({"commission_percent": "101"}, "commission_percent"),
        ({"commission_percent": "7.555"}, "commission_percent"),
        ({"commission_percent": "ten"}, "commission_percent"),
        ({"basis": "sometimes"}, "basis"),
        ({"hold_days": -1}, "hold_days"),
        ({"window_days": 0}, "window_days"),
        ({"currency": "XYZ1"}, "currency"),
        ({"name": " "}, "name"),
    ):
        answer = owner.put(url, json=body)
        assert (answer.status_code, answer.json()["error"]["field"]) == (422, field), body
    assert owner.get(url).status_code == 404  # nothing half-made
    made = owner.put(url, json={"commission_percent": "7,5"})
    assert made.status_code == 201 and made.json()["commission_percent"] == "7.5"
    assert owner.put(url, json={"hold_days": 0}).json()["commission_percent"] == "7.5"
    partner_id, _ = a_partner(owner)
    joined = join_campaign(client, "anna@example.nl", "Anna")
    taken = owner.patch(
        f"/api/v1/partners/{partner_id}", json={"coupon_code": joined["coupon_code"]}
    )
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "coupon_code_taken")
    own = owner.patch(f"/api/v1/partners/{partner_id}", json={"commission_percent": "12"})
    assert own.json()["commission_percent"] == "12" and own.json()["coupon_code"] == "SANNE15"
    # The form's blank means "the programme's"; the API's "" or " 12" is refused, not read so.
    for loose, field in (
        ({"commission_percent": ""}, "commission_percent"),
        ({"commission_percent": " 12"}, "commission_percent"),
        ({"commission_percent": 12}, "commission_percent"),
        ({"basis": ""}, "basis"),
        ({"window_days": "30"}, "window_days"),
    ):
        refused = owner.patch(f"/api/v1/partners/{partner_id}", json=loose)
        assert (refused.status_code, refused.json()["error"]["field"]) == (422, field), loose
    assert owner.get(f"/api/v1/partners/{partner_id}").json()["commission_percent"] == "12"
    whole = owner.patch(f"/api/v1/partners/{partner_id}", json={"window_days": 45.0})
    assert whole.status_code == 200 and whole.json()["window_days"] == 45
    back = owner.patch(f"/api/v1/partners/{partner_id}", json={"commission_percent": None})
    assert back.json()["commission_percent"] is None
    assert owner.get("/api/v1/partners/0").status_code == 404
    assert owner.get("/api/v1/partners?status=maybe").status_code == 400
