"""Attribution without the link: every advocate's personal coupon code (ANNA10), unique and
readable, announced to the shop, and an order carrying it is credited via every platform's field."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from platform_support import (
    SHOPIFY_ORDER,
    STRIPE_SESSION,
    WOO_UPDATED,
    compact,
    fixture,
    shopify_headers,
    stripe_headers,
    with_platform_secrets,
    woocommerce_headers,
)
from shareback import codes
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import campaigns_in, db_execute, db_rows, join_campaign, order_paid, signed_headers

UNAMBIGUOUS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_platform_secrets(settings)


def test_an_advocate_gets_the_first_name_and_the_friends_offer_as_coupon_code(
    client: TestClient,
) -> None:
    # The default campaign gives friends 10 % off.
    first = join_campaign(client, "anna@example.nl", "Anna de Vries")
    assert first["coupon_code"] == "ANNA10"
    again = join_campaign(client, "ANNA@example.nl", "Anna de Vries")
    assert again["coupon_code"] == "ANNA10" and again["code"] == first["code"]
    zoe = join_campaign(client, "zoe@example.nl", "Zoë")
    assert zoe["coupon_code"] == "ZOE10"
    # Without a name the code spells nobody (not FEMKEJAN10 from the address): three characters
    # more than the offer, so that it is not everybody's guess.
    nameless = join_campaign(client, "femke.jansen@example.nl")
    assert re.fullmatch(r"FRIEND10[A-HJ-NP-Z][2-9A-HJ-NP-Z]{2}", str(nameless["coupon_code"]))


def test_coupon_codes_stay_unique_and_readable_when_first_names_clash(
    client: TestClient, settings: Settings
) -> None:
    coupons = [
        str(join_campaign(client, f"anna{n}@example.nl", "Anna")["coupon_code"]) for n in range(40)
    ]
    assert coupons[0] == "ANNA10" and len(set(coupons)) == 40
    for coupon in coupons[1:]:
        # Two (or, once those run out, more) characters after the offer, the first a letter so
        # the number stays 10: never 0/O, 1/I/L.
        assert re.fullmatch(r"ANNA10[A-HJKMNP-Z][2-9A-HJKMNP-Z]{1,3}", coupon), coupon
    stored = db_rows(settings, "SELECT COUNT(DISTINCT coupon_code) FROM advocates")[0][0]
    assert stored == 40


def test_clash_characters_never_run_into_the_offers_number() -> None:
    for attempt in range(1, 400):
        code = codes.coupon_code("ANNA", "10", attempt)
        assert code[6].isalpha() and set(code[6:]) <= set(UNAMBIGUOUS)
    assert codes.offer_number("percent_discount", "10") == "10"
    assert codes.offer_number("credit", "5.00") == "5"
    assert codes.offer_number("fixed_discount", "7.50") == ""  # ANNA7 would promise €7
    assert codes.offer_number("coupon", "10") == ""


def test_the_coupon_code_is_in_the_advocate_created_event(
    client: TestClient, settings: Settings
) -> None:
    join_campaign(client, "anna@example.nl", "Anna")
    payloads = [
        json.loads(row[0])
        for row in db_rows(settings, "SELECT payload FROM outbox WHERE type = 'advocate.created'")
    ]
    assert [p["advocate"]["coupon_code"] for p in payloads] == ["ANNA10"]


def test_an_advocate_from_before_coupon_codes_gets_one_on_the_next_visit(
    client: TestClient, settings: Settings
) -> None:
    join_campaign(client, "anna@example.nl", "Anna")
    db_execute(settings, "UPDATE advocates SET coupon_code = NULL")
    assert join_campaign(client, "anna@example.nl", "Anna")["coupon_code"] == "ANNA10"
    updated = db_rows(settings, "SELECT payload FROM outbox WHERE type = 'advocate.updated'")
    assert [json.loads(r[0])["advocate"]["coupon_code"] for r in updated] == ["ANNA10"]
    join_campaign(client, "anna@example.nl", "Anna")
    assert len(db_rows(settings, "SELECT 1 FROM outbox WHERE type = 'advocate.updated'")) == 1


def shopify_order(coupon: str) -> bytes:
    order: dict[str, Any] = fixture(SHOPIFY_ORDER)["order"]
    order["discount_codes"] = [{"code": coupon, "amount": "5.99", "type": "percentage"}]
    return compact(order)


def woocommerce_order(coupon: str) -> bytes:
    order: dict[str, Any] = fixture(WOO_UPDATED)
    order["coupon_lines"] = [{"id": 320, "code": coupon, "discount": "2.94", "discount_tax": "0"}]
    return compact(order)


def stripe_session(coupon: str) -> bytes:
    event: dict[str, Any] = fixture(STRIPE_SESSION)
    event["data"]["object"]["client_reference_id"] = coupon
    return compact(event)


def test_an_order_carrying_the_coupon_code_is_credited_via_every_platforms_field(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    coupon = str(join_campaign(client, "anna@example.nl", "Anna")["coupon_code"])
    campaigns_in(settings, "USD")  # the vendors' orders are in USD
    generic_coupon = order_paid(
        "1", "f1@example.com", coupon_codes=["WELCOME", coupon.lower()], currency="USD"
    )
    generic_ref = order_paid("2", "f2@example.com", ref=f" {coupon} ", currency="USD")
    shopify, woo, stripe = shopify_order(coupon), woocommerce_order(coupon), stripe_session(coupon)
    answers = [
        client.post(
            "/webhooks/orders",
            content=generic_coupon,
            headers=signed_headers(webhook_secret, generic_coupon, "m1"),
        ),
        client.post(
            "/webhooks/orders",
            content=generic_ref,
            headers=signed_headers(webhook_secret, generic_ref, "m2"),
        ),
        client.post(
            "/webhooks/shopify",
            content=shopify,
            headers=shopify_headers(shopify, "orders/paid", "w1"),
        ),
        client.post(
            "/webhooks/woocommerce",
            content=woo,
            headers=woocommerce_headers(woo, "order.updated", "d1"),
        ),
        client.post("/webhooks/stripe", content=stripe, headers=stripe_headers(stripe)),
    ]
    assert [(a.status_code, a.json()["reason"]) for a in answers] == [(200, "referral_code")] * 5
    rows = db_rows(
        settings,
        "SELECT o.source, r.via, a.email FROM referrals r JOIN orders o ON o.id = r.order_pk "
        "JOIN advocates a ON a.id = r.advocate_id ORDER BY r.id",
    )
    assert [tuple(r) for r in rows] == [
        (source, "code", "anna@example.nl")
        for source in ("orders", "orders", "shopify", "woocommerce", "stripe")
    ]


def test_an_unknown_code_is_no_referral(client: TestClient, webhook_secret: str) -> None:
    join_campaign(client, "anna@example.nl", "Anna")
    body = order_paid("1", "f@example.com", coupon_codes=["ANNA11", "SUMMER24"])
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1")
    ).json()
    assert answer == {"status": "ignored", "reason": "no_ref"}


def test_the_owner_finds_and_exports_advocates_by_coupon_code(settings: Settings) -> None:
    owner = dataclasses.replace(settings, admin_api_key="test-admin-key-0123456789")
    auth = {"authorization": "Bearer test-admin-key-0123456789"}
    with TestClient(create_app(owner)) as client:
        join_campaign(client, "anna@example.nl", "Anna")
        join_campaign(client, "bram@example.nl", "Bram")
        found = client.get("/api/v1/advocates?search=bram10", headers=auth).json()["data"]
        assert [(a["email"], a["coupon_code"]) for a in found] == [("bram@example.nl", "BRAM10")]
        export = client.get("/api/v1/exports/advocates.csv", headers=auth).text
        rows = list(csv.DictReader(io.StringIO(export)))
        assert {r["email"]: r["coupon_code"] for r in rows} == {
            "anna@example.nl": "ANNA10",
            "bram@example.nl": "BRAM10",
        }


def test_a_typed_code_counts_when_the_orders_ref_is_broken_or_past_the_window(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    key = db_rows(settings, "SELECT value FROM secrets WHERE name = 'secret_key'")[0][0]
    signer = TimestampSigner(key, salt="shareback.ref", digest_method=hashlib.sha256)
    signer.get_timestamp = lambda: int((datetime.now(UTC) - timedelta(days=31)).timestamp())  # type: ignore[method-assign]
    old_ref = signer.sign(f"{doc['code']}.oldclick").decode()
    broken_ref = old_ref[:-4] + "AAAA"
    answers = []
    for n, ref in enumerate((old_ref, broken_ref)):
        for coupons in ([], ["ANNA10"]):
            body = order_paid(
                f"{n}{len(coupons)}",
                f"f{n}{len(coupons)}@example.com",
                ref=ref,
                coupon_codes=coupons,
            )
            answers.append(
                client.post(
                    "/webhooks/orders",
                    content=body,
                    headers=signed_headers(webhook_secret, body, f"m{n}{len(coupons)}"),
                ).json()
            )
    assert [a["reason"] for a in answers] == [
        "ref_expired",
        "referral_code",
        "invalid_ref",
        "referral_code",
    ]
