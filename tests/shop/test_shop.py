"""The demo shop against a real Standard Webhooks receiver on loopback.

The receiver stands in for Shareback: it verifies every webhook with the reference
`standardwebhooks` package, answers with a status document, and serves the widget-offer
endpoint the shop asks at checkout.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from shareback.shop.app import ShopConfig, create_shop_app
from shareback.shop.webhook import sign_webhook
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

VALID_REF = "ref.valid-token_123"
IDENTITY_SECRET = "identity-secret-for-shop-tests"


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    event: dict[str, Any]


@dataclass
class Receiver:
    """What the fake Shareback saw, and the answers it has been told to give."""

    url: str
    secret: str
    deliveries: list[Delivery] = field(default_factory=list)
    attempts: list[dict[str, str]] = field(default_factory=list)
    queued_statuses: list[int] = field(default_factory=list)
    offer_lookups: list[str | None] = field(default_factory=list)
    answer: dict[str, str] = field(
        default_factory=lambda: {"status": "recorded", "reason": "referral"}
    )

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return [d.event for d in self.deliveries if d.event["type"] == event_type]


def receiver_app(receiver: Receiver) -> Starlette:
    async def receive_order_webhook(request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        receiver.attempts.append(headers)
        if receiver.queued_statuses:
            status = receiver.queued_statuses.pop(0)
            if status != 200:
                return JSONResponse({"error": {"code": "test", "message": "nope"}}, status)
        try:
            event = Webhook(receiver.secret).verify(body, headers)
        except WebhookVerificationError as exc:
            return JSONResponse({"error": {"code": "bad_signature", "message": str(exc)}}, 401)
        receiver.deliveries.append(Delivery(headers, body, event))
        return JSONResponse(receiver.answer)

    async def show_campaign_widget(request: Request) -> Response:
        ref = request.query_params.get("ref")
        receiver.offer_lookups.append(ref)
        return JSONResponse(
            {
                "campaign": request.path_params["slug"],
                "ref": "valid" if ref == VALID_REF else "invalid",
                "rewards": {
                    "referrer": {"type": "credit", "value": "5.00", "currency": "EUR"},
                    "friend": {"type": "percent_discount", "value": "10", "currency": "EUR"},
                },
                "friend": {"referrer_name": "Anna"} if ref == VALID_REF else None,
            }
        )

    return Starlette(
        routes=[
            Route("/webhooks/orders", receive_order_webhook, methods=["POST"]),
            Route("/api/v1/campaigns/{slug}/widget", show_campaign_widget),
        ]
    )


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    sock = bound_socket()
    port = sock.getsockname()[1]
    secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
    receiver = Receiver(url=f"http://127.0.0.1:{port}", secret=secret)
    config = uvicorn.Config(receiver_app(receiver), log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "receiver did not start"
        time.sleep(0.01)
    yield receiver
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def shop_config(receiver: Receiver, **overrides: Any) -> ShopConfig:
    values: dict[str, Any] = {
        "backend_url": receiver.url,
        "webhook_secret": receiver.secret,
        "identity_secret": IDENTITY_SECRET,
    }
    return ShopConfig(**(values | overrides))


@pytest.fixture
def shop(receiver: Receiver) -> Iterator[TestClient]:
    with TestClient(create_shop_app(shop_config(receiver)), follow_redirects=False) as client:
        yield client


def csrf_token(client: TestClient, path: str = "/") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def add_to_cart(client: TestClient, slug: str, quantity: int) -> None:
    response = client.post(
        "/cart/add",
        data={"csrf_token": csrf_token(client), "slug": slug, "quantity": str(quantity)},
    )
    assert response.status_code == 303


def check_out(client: TestClient, email: str = "bram@example.nl", name: str = "Bram") -> str:
    response = client.post(
        "/checkout",
        data={"csrf_token": csrf_token(client), "name": name, "email": email},
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/orders/")
    return location


def test_checkout_sends_signed_order_paid_with_discounted_total_and_ref_cookie(
    shop: TestClient, receiver: Receiver
) -> None:
    shop.cookies.set("shareback_ref", VALID_REF)
    add_to_cart(shop, "kenia-nyeri", 2)  # 2 x 16.50
    add_to_cart(shop, "colombia-huila", 1)  # 12.95 -> 45.95, minus 10% (4.60) = 41.35

    assert check_out(shop, "bram@example.nl", "Bram Visser") == "/orders/1001"

    [delivery] = receiver.deliveries
    assert delivery.event == {
        "type": "order.paid",
        "data": {
            "order_id": "1001",
            "email": "bram@example.nl",
            "name": "Bram Visser",
            "total": "41.35",
            "subtotal": "45.95",
            "discount": "4.60",
            "currency": "EUR",
            "ref": VALID_REF,
            "coupon_codes": [],
        },
    }
    assert delivery.body == json.dumps(delivery.event, separators=(",", ":")).encode()
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["webhook-id"].startswith("msg_")
    page = shop.get("/orders/1001")
    assert "Bedankt voor je bestelling" in page.text
    assert "Verwijzing geregistreerd" in page.text
    assert "€\u00a041,35" in page.text


def test_cart_shows_the_friend_discount_for_a_valid_referral(
    shop: TestClient, receiver: Receiver
) -> None:
    shop.cookies.set("shareback_ref", VALID_REF)
    add_to_cart(shop, "brazilie-cerrado", 2)  # 21.90, minus 2.19

    page = shop.get("/cart").text

    assert "Vriendenkorting van Anna (10%)" in page
    assert "\N{MINUS SIGN}€\u00a02,19" in page
    assert "€\u00a019,71" in page
    assert receiver.offer_lookups == [VALID_REF]


def test_ref_in_the_url_is_remembered_when_the_widget_did_not_set_its_cookie(
    shop: TestClient, receiver: Receiver
) -> None:
    shop.get("/product/kenia-nyeri", params={"ref": VALID_REF})
    add_to_cart(shop, "kenia-nyeri", 1)

    check_out(shop)

    [event] = receiver.events("order.paid")
    assert event["data"]["ref"] == VALID_REF
    assert event["data"]["total"] == "14.85"


def test_an_invalid_ref_is_reported_but_gets_no_discount(
    shop: TestClient, receiver: Receiver
) -> None:
    shop.cookies.set("shareback_ref", "forged")
    add_to_cart(shop, "kenia-nyeri", 1)

    check_out(shop)

    [event] = receiver.events("order.paid")
    assert event["data"]["ref"] == "forged"
    assert event["data"]["total"] == "16.50"


def test_checkout_without_referral_sends_null_ref_and_the_full_price(
    shop: TestClient, receiver: Receiver
) -> None:
    add_to_cart(shop, "espresso-grachtengordel", 3)

    check_out(shop)

    [event] = receiver.events("order.paid")
    assert event["data"]["ref"] is None
    assert event["data"]["total"] == "35.85"
    assert receiver.offer_lookups == []


def test_order_ids_are_sequential_from_1001(shop: TestClient) -> None:
    locations = []
    for _ in range(3):
        add_to_cart(shop, "colombia-huila", 1)
        locations.append(check_out(shop))

    assert locations == ["/orders/1001", "/orders/1002", "/orders/1003"]


def test_refund_sends_order_refunded(shop: TestClient, receiver: Receiver) -> None:
    add_to_cart(shop, "kenia-nyeri", 1)
    order_page = check_out(shop)

    response = shop.post(f"{order_page}/refund", data={"csrf_token": csrf_token(shop)})

    assert response.status_code == 303
    assert response.headers["location"] == order_page
    [paid, refunded] = receiver.deliveries
    assert refunded.event == {"type": "order.refunded", "data": {"order_id": "1001"}}
    assert refunded.headers["webhook-id"] != paid.headers["webhook-id"]
    page = shop.get(order_page).text
    assert "Deze bestelling is terugbetaald" in page
    assert "Terugbetaling doorgegeven aan Shareback" in page


def test_a_retry_reuses_the_webhook_id(shop: TestClient, receiver: Receiver) -> None:
    receiver.queued_statuses = [503, 502]
    add_to_cart(shop, "kenia-nyeri", 1)

    order_page = check_out(shop)

    ids = [attempt["webhook-id"] for attempt in receiver.attempts]
    assert len(ids) == 3
    assert len(set(ids)) == 1
    assert len(receiver.deliveries) == 1
    assert "Doorgegeven aan Shareback" in shop.get(order_page).text


def test_an_ignored_referral_is_explained_on_the_order_page(
    shop: TestClient, receiver: Receiver
) -> None:
    receiver.answer = {"status": "ignored", "reason": "self_referral"}
    shop.cookies.set("shareback_ref", VALID_REF)
    add_to_cart(shop, "kenia-nyeri", 1)

    page = shop.get(check_out(shop)).text

    assert "Geen beloning" in page
    assert "je kunt jezelf niet uitnodigen" in page
    assert "ignored: self_referral" in page


def test_a_refused_webhook_is_not_retried_and_the_order_still_succeeds(
    receiver: Receiver,
) -> None:
    wrong_secret = "whsec_" + base64.b64encode(b"not the receiver's secret").decode()
    app = create_shop_app(shop_config(receiver, webhook_secret=wrong_secret))
    with TestClient(app, follow_redirects=False) as client:
        add_to_cart(client, "kenia-nyeri", 1)
        order_page = check_out(client)
        page = client.get(order_page).text

    assert len(receiver.attempts) == 1
    assert receiver.deliveries == []
    assert "Bedankt voor je bestelling" in page
    assert "Shareback weigerde het bericht" in page


def test_checkout_succeeds_when_shareback_is_down() -> None:
    closed = bound_socket()  # bound but never listening: connections are refused
    down = f"http://127.0.0.1:{closed.getsockname()[1]}"
    config = ShopConfig(
        backend_url=down,
        webhook_secret="whsec_" + base64.b64encode(b"secret").decode(),
        identity_secret=IDENTITY_SECRET,
    )
    try:
        with TestClient(create_shop_app(config), follow_redirects=False) as client:
            client.cookies.set("shareback_ref", VALID_REF)
            add_to_cart(client, "kenia-nyeri", 2)
            assert "€\u00a033,00" in client.get("/cart").text  # no discount, no error
            order_page = check_out(client)
            page = client.get(order_page)
    finally:
        closed.close()

    assert page.status_code == 200
    assert "Bedankt voor je bestelling" in page.text
    assert "De verwijzing kon niet worden doorgegeven" in page.text
    assert "€\u00a033,00" in page.text


def test_account_page_carries_the_identity_for_the_widget(
    shop: TestClient, receiver: Receiver
) -> None:
    email = "Anna@Example.nl"
    response = shop.post(
        "/login",
        data={"csrf_token": csrf_token(shop, "/login"), "email": email, "name": "Anna de Vries"},
    )
    assert response.headers["location"] == "/account"

    page = shop.get("/account").text

    expected = hmac.new(IDENTITY_SECRET.encode(), email.encode(), hashlib.sha256).hexdigest()
    [script] = re.findall(r"<script [^>]*></script>", page)
    assert f'src="{receiver.url}/widget.js"' in script
    assert 'data-campaign="default"' in script
    assert 'data-lang="nl"' in script
    assert f'data-email="{email}"' in script
    assert 'data-name="Anna de Vries"' in script
    assert f'data-user-hash="{expected}"' in script
    assert "<div data-shareback></div>" in page
    assert IDENTITY_SECRET not in page


def test_account_lists_the_shoppers_orders(shop: TestClient) -> None:
    shop.post(
        "/login",
        data={"csrf_token": csrf_token(shop), "email": "anna@example.nl", "name": "Anna"},
    )
    add_to_cart(shop, "kenia-nyeri", 1)
    check_out(shop, "anna@example.nl", "Anna")

    page = shop.get("/account").text

    assert 'href="/orders/1001"' in page
    assert "Hoi Anna" in page


def test_every_page_loads_the_widget_and_only_some_have_a_mount(
    shop: TestClient, receiver: Receiver
) -> None:
    add_to_cart(shop, "kenia-nyeri", 1)
    pages = {"/": True, "/product/kenia-nyeri": False, "/cart": False, "/checkout": False}
    pages |= {"/login": False, "/does-not-exist": False}
    for path, has_mount in pages.items():
        html = shop.get(path).text
        assert '<html lang="nl">' in html
        script = f'<script src="{receiver.url}/widget.js" data-campaign="default" data-lang="nl"'
        assert script in html, path
        assert "data-user-hash" not in html
        assert ("<div data-shareback></div>" in html) is has_mount, path
        assert "<script>" not in html, f"inline script on {path}"


def test_posts_without_a_valid_csrf_token_are_refused(shop: TestClient, receiver: Receiver) -> None:
    add_to_cart(shop, "kenia-nyeri", 1)
    check_out(shop)
    receiver.deliveries.clear()
    forms = {
        "/cart/add": {"slug": "kenia-nyeri", "quantity": "1"},
        "/cart/update": {"remove": "kenia-nyeri"},
        "/checkout": {"name": "Eve", "email": "eve@example.nl"},
        "/login": {"name": "Eve", "email": "eve@example.nl"},
        "/logout": {},
        "/orders/1001/refund": {},
    }
    for path, form in forms.items():
        for token in ({}, {"csrf_token": "forged"}):
            response = shop.post(path, data=form | token)
            assert response.status_code == 403, path
            assert "Dat formulier is verlopen" in response.text
    assert receiver.deliveries == []


def test_another_visitor_cannot_see_an_order(shop: TestClient) -> None:
    add_to_cart(shop, "kenia-nyeri", 1)
    order_page = check_out(shop)
    assert shop.get(order_page).status_code == 200

    shop.cookies.clear()  # a different browser

    assert shop.get(order_page).status_code == 404


def test_cart_quantities_can_be_changed_and_removed(shop: TestClient) -> None:
    add_to_cart(shop, "kenia-nyeri", 1)
    add_to_cart(shop, "colombia-huila", 1)
    token = csrf_token(shop, "/cart")

    shop.post(
        "/cart/update",
        data={"csrf_token": token, "quantity-kenia-nyeri": "3", "quantity-colombia-huila": "1"},
    )
    assert "€\u00a049,50" in shop.get("/cart").text
    shop.post("/cart/update", data={"csrf_token": token, "remove": "kenia-nyeri"})
    page = shop.get("/cart").text

    assert "Nyeri Gatomboya" not in page
    assert "Huila El Paraíso" in page


def test_checkout_form_explains_what_is_missing(shop: TestClient, receiver: Receiver) -> None:
    add_to_cart(shop, "kenia-nyeri", 1)

    response = shop.post(
        "/checkout", data={"csrf_token": csrf_token(shop), "name": "", "email": "geen-adres"}
    )

    assert response.status_code == 422
    assert "Vul je naam in." in response.text
    assert "Vul een geldig e-mailadres in" in response.text
    assert receiver.deliveries == []


def test_signature_matches_the_standard_webhooks_reference() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"type":"order.refunded","data":{"order_id":"1001"}}'
    moment = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)

    ours = sign_webhook(secret, "msg_abc", int(moment.timestamp()), body.encode())

    assert ours == Webhook(secret).sign("msg_abc", moment, body)


def test_pages_allow_the_shareback_origin_in_their_content_security_policy(
    shop: TestClient, receiver: Receiver
) -> None:
    policy = shop.get("/").headers["content-security-policy"]

    assert f"script-src 'self' {receiver.url}" in policy
    assert f"connect-src 'self' {receiver.url}" in policy
    assert f"img-src 'self' {receiver.url}" in policy
    assert "unsafe-inline" not in policy
