"""Every order webhook, referred or not, from every source, keeps its buyer's customer record:
counted once however often it is sent, net of refunds, linked to the advocate and the friend."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from platform_support import (
    SHOPIFY_ORDER,
    STRIPE_SESSION,
    WOO_CREATED,
    compact,
    fixture,
    shopify_headers,
    stripe_headers,
    with_platform_secrets,
    woocommerce_headers,
)
from shareback.app import create_app
from shareback.crm.records import Customer
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import BROWSER_UA, db_rows, follow_link, join_campaign, order_paid, signed_headers


@pytest.fixture
def platform_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(with_platform_secrets(settings))
    with TestClient(app, headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


def customer(settings: Settings, email: str) -> Customer | None:
    async def read() -> Customer | None:
        store = await open_store(settings.database_url)
        try:
            return await store.customer_by_email(email)
        finally:
            await store.close()

    return asyncio.run(read())


def send(client: TestClient, secret: str, body: bytes, message_id: str) -> str:
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["status"])


def test_an_unreferred_order_makes_a_customer_and_a_replay_counts_once(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    body = order_paid(
        "1001",
        "Bram.Visser@Example.nl",
        "40.00",
        first_name="Bram",
        last_name="Visser",
        country="nl",
        tags=["VIP"],
        marketing_consent=True,
    )
    assert send(client, webhook_secret, body, "m1") == "ignored"
    assert send(client, webhook_secret, body, "m1") == "duplicate"
    assert send(client, webhook_secret, body, "m2") == "duplicate"
    assert send(client, webhook_secret, order_paid("1002", "bram.visser@example.nl", "10.00"), "m3")
    found = customer(settings, "bram.visser@example.nl")
    assert found is not None
    assert (found.first_name, found.last_name, found.country) == ("Bram", "Visser", "NL")
    assert (found.order_count, found.revenue_minor, found.currency) == (2, 5000, "EUR")
    assert found.tags == ("vip",)
    assert found.marketing_consent is True and found.consent_source == "orders"
    assert found.first_order_at is not None and found.last_order_at is not None
    assert found.first_order_at <= found.last_order_at


def test_refunds_take_revenue_back_whole_or_in_part(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    send(client, webhook_secret, order_paid("2001", "cees@example.nl", "50.00"), "p1")
    send(client, webhook_secret, order_paid("2002", "cees@example.nl", "30.00"), "p2")
    partial = b'{"type": "order.refunded", "data": {"order_id": "2001", "amount": "20.00"}}'
    assert send(client, webhook_secret, partial, "r1") == "recorded"
    assert send(client, webhook_secret, partial, "r1") == "duplicate"
    whole = b'{"type": "order.refunded", "data": {"order_id": "2002"}}'
    assert send(client, webhook_secret, whole, "r2") == "recorded"
    found = customer(settings, "cees@example.nl")
    assert found is not None
    assert (found.order_count, found.revenue_minor) == (2, 3000)


def test_a_referred_friend_and_the_advocate_are_linked_to_their_records(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    send(client, webhook_secret, order_paid("3000", "anna@example.nl", "25.00"), "a0")
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    ref = follow_link(client, code, "whatsapp")
    assert send(client, webhook_secret, order_paid("3001", "dirk@example.nl", "60.00", ref), "f1")
    anna = customer(settings, "anna@example.nl")
    dirk = customer(settings, "dirk@example.nl")
    assert anna is not None and dirk is not None and dirk.order_count == 1
    linked = db_rows(settings, "SELECT customer_id FROM advocates WHERE code = ?", (code,))
    assert [row[0] for row in linked] == [anna.id]
    # The friend joins later: linked at once.
    join_campaign(client, "dirk@example.nl", "Dirk")
    rows = db_rows(
        settings, "SELECT customer_id FROM advocates WHERE email_key = ?", (dirk.email_key,)
    )
    assert [row[0] for row in rows] == [dirk.id]


def test_shopify_stripe_and_woocommerce_orders_fill_the_record(
    platform_client: TestClient, settings: Settings
) -> None:
    body = compact(fixture(SHOPIFY_ORDER))
    answer = platform_client.post(
        "/webhooks/shopify", content=body, headers=shopify_headers(body, "orders/paid", "s1")
    )
    assert answer.status_code == 200, answer.text
    bob = customer(settings, "bob.norman@mail.example.com")
    assert bob is not None
    assert (bob.first_name, bob.last_name, bob.country) == ("Bob", "Norman", "US")
    assert bob.tags == ("léon", "noël")
    assert bob.marketing_consent is False and bob.consent_source == "shopify"
    assert bob.consent_at is not None and bob.consent_at.year == 2004
    assert ("shopify", "207119551") in bob.external_ids
    assert (bob.order_count, bob.revenue_minor, bob.currency) == (1, 59894, "USD")

    session = compact(fixture(STRIPE_SESSION))
    answer = platform_client.post(
        "/webhooks/stripe", content=session, headers=stripe_headers(session)
    )
    assert answer.status_code == 200, answer.text
    paid = customer(settings, "example@example.com")
    assert paid is not None and paid.order_count == 1 and paid.consent_source is None

    woo = compact(fixture(WOO_CREATED))
    answer = platform_client.post(
        "/webhooks/woocommerce",
        content=woo,
        headers=woocommerce_headers(woo, "order.created", "w1"),
    )
    assert answer.status_code == 200, answer.text
    john = customer(settings, "john.doe@example.com")
    assert john is not None
    assert (john.first_name, john.last_name, john.country, john.order_count) == (
        "John",
        "Doe",
        "US",
        1,
    )
