"""Test support for the platform webhooks: the vendors' own payloads and each platform's signing."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

from shareback.settings import Settings
from starlette.testclient import TestClient
from support import follow_link, join_campaign

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
SHOPIFY_ORDER = "shopify-order-450789469.sdk-fixture.json"
SHOPIFY_REFUND = "shopify-refund-509562969.sdk-fixture.json"
STRIPE_SESSION = "stripe-checkout.session.completed.stripe-ruby-mock.json"
STRIPE_REFUND = "stripe-charge.refunded.stripe-ruby-mock.json"
WOO_CREATED = "woocommerce-order-727.created.rest-docs.json"
WOO_UPDATED = "woocommerce-order-727.updated.rest-docs.json"
WOO_REFUND = "woocommerce-order-refund-726.rest-docs.json"

# Shaped like the real thing: Shopify's is a hex key, Stripe's a whsec_ string used as text,
# WooCommerce's whatever the owner typed (quotes and spaces included).
SHOPIFY_SECRET = "6c1a0e4b8f0d4d2fa1b7c39e5d8a2f61b7e0c4d9a3f2e1b0c5d6e7f8a9b0c1d2"
STRIPE_SECRET = "whsec_8Pq3xJ0lT2mWnZ4rYb7cV1sD6fH9kL5a"
WOOCOMMERCE_SECRET = "Koffie & 'bonen' 42"


def with_platform_secrets(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        shopify_secret=SHOPIFY_SECRET,
        stripe_webhook_secret=STRIPE_SECRET,
        woocommerce_secret=WOOCOMMERCE_SECRET,
    )


def fixture_bytes(name: str) -> bytes:
    """The vendor's payload exactly as published: these bytes are what gets signed."""
    return (FIXTURES / name).read_bytes()


def fixture(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def compact(document: Any) -> bytes:
    """Re-serialised the way the platforms send JSON: no spaces."""
    return json.dumps(document, separators=(",", ":")).encode()


def base64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def shopify_headers(
    body: bytes, topic: str, webhook_id: str, secret: str = SHOPIFY_SECRET
) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "x-shopify-topic": topic,
        "x-shopify-hmac-sha256": base64_hmac(secret, body),
        "x-shopify-shop-domain": "brandpunt-koffie.myshopify.com",
        "x-shopify-api-version": "2026-07",
        "x-shopify-webhook-id": webhook_id,
    }


def stripe_signature(body: bytes, secret: str = STRIPE_SECRET, at: int | None = None) -> str:
    """Stripe's scheme: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"> under the secret as text."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + body
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def stripe_headers(
    body: bytes, secret: str = STRIPE_SECRET, at: int | None = None
) -> dict[str, str]:
    return {
        "content-type": "application/json; charset=utf-8",
        "stripe-signature": stripe_signature(body, secret, at),
    }


def woocommerce_headers(
    body: bytes, topic: str, delivery_id: str, secret: str = WOOCOMMERCE_SECRET
) -> dict[str, str]:
    resource, _, event = topic.partition(".")
    return {
        "content-type": "application/json",
        "user-agent": "WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)",
        "x-wc-webhook-source": "https://brandpunt.example/",
        "x-wc-webhook-topic": topic,
        "x-wc-webhook-resource": resource,
        "x-wc-webhook-event": event,
        "x-wc-webhook-signature": base64_hmac(secret, body),
        "x-wc-webhook-id": "12",
        "x-wc-webhook-delivery-id": delivery_id,
    }


def referral(client: TestClient, email: str = "anna@example.nl") -> tuple[str, str]:
    """An advocate joins through the widget API and a friend follows the link: (code, signed ref)."""
    doc = join_campaign(client, email, "Anna")
    code = str(doc["code"])
    return code, follow_link(client, code, "whatsapp")
