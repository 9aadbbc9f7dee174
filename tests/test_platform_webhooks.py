"""What the three platform webhooks share: 503 until configured, JSON errors, never a 500."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from platform_support import (
    SHOPIFY_ORDER,
    STRIPE_SESSION,
    WOO_UPDATED,
    compact,
    fixture,
    fixture_bytes,
    shopify_headers,
    stripe_headers,
    with_platform_secrets,
    woocommerce_headers,
)
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import count

Sign = Callable[[bytes], dict[str, str]]
PLATFORMS: dict[str, tuple[str, Sign, str]] = {
    "shopify": (
        "SHAREBACK_SHOPIFY_SECRET",
        lambda body: shopify_headers(body, "orders/paid", "wh-1"),
        SHOPIFY_ORDER,
    ),
    "stripe": ("SHAREBACK_STRIPE_WEBHOOK_SECRET", stripe_headers, STRIPE_SESSION),
    "woocommerce": (
        "SHAREBACK_WOOCOMMERCE_SECRET",
        lambda body: woocommerce_headers(body, "order.updated", "d1"),
        WOO_UPDATED,
    ),
}


@pytest.mark.parametrize("name", PLATFORMS)
def test_a_platform_without_its_secret_answers_503_not_configured(
    client: TestClient, settings: Settings, name: str
) -> None:
    variable, sign, fixture_name = PLATFORMS[name]
    body = fixture_bytes(fixture_name)
    for content in (body, b"webhook_id=12"):
        response = client.post(f"/webhooks/{name}", content=content, headers=sign(content))
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "not_configured" and variable in error["message"]
    assert count(settings, "webhook_messages") == 0


@pytest.mark.parametrize("name", PLATFORMS)
def test_each_platform_answers_with_the_order_webhooks_status_document(
    settings: Settings, name: str
) -> None:
    _, sign, fixture_name = PLATFORMS[name]
    body = fixture_bytes(fixture_name)
    with TestClient(create_app(with_platform_secrets(settings))) as client:
        first = client.post(f"/webhooks/{name}", content=body, headers=sign(body))
        again = client.post(f"/webhooks/{name}", content=body, headers=sign(body))
    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.json() == {"status": "ignored", "reason": "no_ref"}
    assert again.json() == {"status": "duplicate", "reason": "message_already_processed"}


def odd_variants(document: dict[str, Any]) -> list[Any]:
    """The fixture with each top-level field in turn replaced by values of every JSON type."""
    variants: list[Any] = [None, 0, "text", [], [document], {}]
    for key in document:
        for odd in (None, True, -1, 1e300, "", "x" * 300, [], [None], {}, {"id": None}):
            variants.append({**document, key: odd})
    return variants


def nested_odd_variants(document: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    """The same, one level down (data.object for Stripe's events)."""
    variants: list[Any] = []
    inner = document
    for key in path:
        inner = inner[key]
    odd: object  # a JSON value of any type
    for key in inner:
        for odd in (None, True, -1, 1.5, "", [], [{}], {}, {"id": 7}):
            copy = json.loads(json.dumps(document))
            target = copy
            for step in path:
                target = target[step]
            target[key] = odd
            variants.append(copy)
    return variants


@pytest.mark.parametrize("name", PLATFORMS)
def test_no_signed_body_of_any_shape_gets_a_500(settings: Settings, name: str) -> None:
    _, sign, fixture_name = PLATFORMS[name]
    document = fixture(fixture_name)
    if name == "shopify":
        document = document["order"]
    variants = odd_variants(document)
    if name == "stripe":
        variants += nested_odd_variants(document, ("data", "object"))
    app = create_app(with_platform_secrets(settings))
    with TestClient(app, raise_server_exceptions=False) as client:
        for n, variant in enumerate(variants):
            if isinstance(variant, dict) and name == "stripe":
                variant = {**variant, "id": f"evt_{n}"}
            body = compact(variant)
            response = client.post(f"/webhooks/{name}", content=body, headers=sign(body))
            assert response.status_code < 500, (variant, response.text)
            document_or_error = response.json()
            if response.status_code >= 400:
                assert set(document_or_error["error"]) >= {"code", "message"}
            else:
                assert document_or_error["status"] in ("recorded", "duplicate", "ignored")


@pytest.mark.parametrize("name", PLATFORMS)
def test_platform_bodies_may_be_large_but_not_huge(settings: Settings, name: str) -> None:
    """A Shopify order with hundreds of line items passes 256 KB; more than 2 MiB is refused."""
    _, sign, fixture_name = PLATFORMS[name]
    document = fixture(fixture_name)
    if name == "shopify":
        document = document["order"]
    app = create_app(dataclasses.replace(with_platform_secrets(settings), max_body_bytes=1024))
    with TestClient(app) as client:
        large = compact({**document, "padding": "x" * 600_000})
        response = client.post(f"/webhooks/{name}", content=large, headers=sign(large))
        assert response.status_code == 200, response.text
        huge = compact({**document, "padding": "x" * 2_200_000})
        response = client.post(f"/webhooks/{name}", content=huge, headers=sign(huge))
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "body_too_large"
