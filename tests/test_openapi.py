"""/openapi.json: a valid OpenAPI 3.1 document naming every JSON route, whose response schemas the
real answers match. `conforms` is used by the owner API's tests on every answer they get."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx2
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from platform_support import (
    SHOPIFY_ORDER,
    STRIPE_SESSION,
    WOO_CREATED,
    fixture_bytes,
    shopify_headers,
    stripe_headers,
    with_platform_secrets,
    woocommerce_headers,
)
from shareback import storage
from shareback.api.openapi import openapi_document
from shareback.app import create_app
from shareback.outgoing.retry import EVENT_TYPES
from shareback.settings import Settings
from starlette.routing import Mount, Route
from starlette.testclient import TestClient
from support import SHOP, join_campaign, order_paid, signed_headers

PUBLIC_URL = "http://refer.test"
FORMAT_CHECKER = FormatChecker()


@cache
def spec() -> dict[str, Any]:
    return openapi_document(PUBLIC_URL)


@cache
def path_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Templates as regexes, literal ones first so /rewards/bulk is not read as /rewards/{id}."""
    patterns = []
    for template in spec()["paths"]:
        regex = re.escape(template)
        regex = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", regex)
        patterns.append((re.compile(f"^{regex}$"), template))
    return sorted(patterns, key=lambda pair: pair[1].count("{"))


def operation_for(method: str, path: str) -> dict[str, Any]:
    for pattern, template in path_patterns():
        if pattern.match(path):
            item = spec()["paths"][template]
            assert method in item, f"{method.upper()} {template} is not in /openapi.json"
            operation: dict[str, Any] = item[method]
            return operation
    raise AssertionError(f"{path} is not in /openapi.json")


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        _, _, section, name = node["$ref"].split("/")
        node = spec()["components"][section][name]
    return node


def conforms(response: httpx2.Response) -> httpx2.Response:
    """Asserts the answer is documented: its status, its media type and, for JSON, its schema."""
    assert response.status_code != 500, response.text  # other statuses must be documented
    request = response.request
    operation = operation_for(request.method.lower(), request.url.path)
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{request.method} {request.url.path} answered {response.status_code}, "
        f"which /openapi.json does not list: {response.text[:300]}"
    )
    media = resolve(documented).get("content", {})
    if not media:
        assert not response.content, "an answer documented without a body has one"
        return response
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type in media, f"{media_type} is not documented for {request.url.path}"
    if media_type == "application/json":
        schema = media[media_type]["schema"]
        validator = Draft202012Validator({**schema, "components": spec()["components"]})
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(response.json())
        ]
        assert not errors, f"{request.method} {request.url.path}: {errors}"
    return response


@cache
def event_validator(event_type: str) -> Draft202012Validator:
    """The schema /openapi.json's `webhooks` gives the body of this event type."""
    operation = spec()["webhooks"][event_type]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return Draft202012Validator(
        {**schema, "components": spec()["components"]}, format_checker=FORMAT_CHECKER
    )


def event_errors(event: dict[str, Any]) -> list[str]:
    """What is wrong with an event body we send, measured against /openapi.json."""
    if event.get("type") not in spec()["webhooks"]:
        return [f"{event.get('type')!r} is not an event type /openapi.json describes"]
    return [
        f"{event['type']} {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in event_validator(event["type"]).iter_errors(event)
    ]


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(spec())
    assert spec()["openapi"].startswith("3.1")
    assert spec()["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_json_route_of_the_app_is_documented_with_its_methods(settings: Settings) -> None:
    def flatten(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
        found = []
        for route in routes:
            if isinstance(route, Mount):
                found += flatten(route.routes, prefix + route.path)
            elif isinstance(route, Route):
                found.append((prefix + route.path, set(route.methods or ()) - {"HEAD"}))
        return found

    checked = 0
    for path, methods in flatten(create_app(settings).routes):
        if not (path.startswith(("/api/", "/webhooks/")) or path == "/healthz"):
            continue
        template = re.sub(r"\{([a-z_]+)(:[a-z_]+)?\}", r"{\1}", path)
        assert template in spec()["paths"], f"{template} is missing from /openapi.json"
        missing = {m.lower() for m in methods} - set(spec()["paths"][template])
        assert not missing, f"{template} lacks {missing} in /openapi.json"
        checked += 1
    assert checked >= 25


def test_every_operation_has_an_id_and_owner_operations_need_the_bearer_key() -> None:
    ids = []
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            ids.append(operation["operationId"])
            owner = path.startswith("/api/v1/") and not (
                path.endswith(("/widget", "/referrers")) or method in ("options",)
            )
            owner = owner and (path, method) not in {
                ("/api/v1/advocates", "post"),
                ("/api/v1/advocates/account", "post"),
                ("/api/v1/events", "post"),
                ("/api/v1/campaigns/{slug}/welcome", "post"),
            }
            assert operation["security"] == ([{"bearerAuth": []}] if owner else []), (path, method)
            if owner:
                assert "401" in operation["responses"], (path, method)
    assert len(ids) == len(set(ids))


def test_openapi_json_is_served_with_the_public_url(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["servers"] == [{"url": PUBLIC_URL}]
    assert json.dumps(document, sort_keys=True) == json.dumps(spec(), sort_keys=True)


def test_public_answers_match_their_schemas(client: TestClient, webhook_secret: str) -> None:
    conforms(client.get("/healthz"))
    conforms(client.get("/openapi.json"))
    advocate = conforms(
        client.post(
            "/api/v1/advocates",
            json={"campaign": "default", "email": "anna@example.nl", "name": "Anna"},
            headers={"origin": SHOP},
        )
    ).json()
    conforms(client.get(f"/r/{advocate['code']}?ch=whatsapp", follow_redirects=False))
    conforms(client.get(f"/qr/{advocate['code']}.svg"))
    conforms(client.get("/api/v1/campaigns/default/widget?lang=nl"))
    conforms(client.get("/api/v1/campaigns/nope/widget"))
    conforms(client.options("/api/v1/events", headers={"origin": SHOP}))
    beacon = json.dumps({"campaign": "default", "type": "open"})
    conforms(client.post("/api/v1/events", content=beacon, headers={"content-type": "text/plain"}))
    body = order_paid("1001", "friend@example.com", ref=advocate["code"])
    conforms(
        client.post(
            "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1")
        )
    )
    conforms(
        client.post(
            "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1")
        )
    )
    conforms(
        client.post("/webhooks/orders", content=b"{}", headers={"content-type": "application/json"})
    )
    conforms(
        client.post("/api/v1/advocates", json={"campaign": "default"}, headers={"origin": SHOP})
    )


def test_conforms_catches_an_undocumented_field(client: TestClient) -> None:
    join_campaign(client, "anna@example.nl")
    response = client.get("/healthz")
    response._content = json.dumps({**response.json(), "surprise": 1}).encode()
    try:
        conforms(response)
    except AssertionError as exc:
        assert "surprise" in str(exc)
    else:
        raise AssertionError("an undocumented field passed")


def test_platform_webhook_answers_match_their_schemas(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        for name in ("shopify", "stripe", "woocommerce"):
            response = conforms(client.post(f"/webhooks/{name}", content=b"{}"))
            assert response.status_code == 503
    with TestClient(create_app(with_platform_secrets(settings))) as client:
        shopify = fixture_bytes(SHOPIFY_ORDER)
        stripe = fixture_bytes(STRIPE_SESSION)
        woo = fixture_bytes(WOO_CREATED)
        for _ in range(2):  # the second delivery is a replay
            conforms(
                client.post(
                    "/webhooks/shopify",
                    content=shopify,
                    headers=shopify_headers(shopify, "orders/paid", "w1"),
                )
            )
            conforms(
                client.post("/webhooks/stripe", content=stripe, headers=stripe_headers(stripe))
            )
            conforms(
                client.post(
                    "/webhooks/woocommerce",
                    content=woo,
                    headers=woocommerce_headers(woo, "order.created", "d1"),
                )
            )
        assert conforms(client.post("/webhooks/shopify", content=shopify)).status_code == 401


def test_every_event_type_enqueued_is_described_under_webhooks() -> None:
    """The event types the store enqueues (read from its source), EVENT_TYPES and the document's
    `webhooks` are one list."""
    source = "".join(
        path.read_text() for path in sorted(Path(storage.__file__).parent.glob("sql/*.py"))
    )
    literal = set(re.findall(r'enqueue\(\s*db,\s*"([a-z_.]+)"', source))
    literal |= set(re.findall(r'"((?:advocate|reward|referral|friend_code)\.[a-z_]+)"', source))
    formatted = {f"reward.{s}" for s in ("approved", "revoked")}  # f"reward.{to_status}"
    assert literal | formatted <= set(EVENT_TYPES)
    assert set(spec()["webhooks"]) == set(EVENT_TYPES)
    for event_type in EVENT_TYPES:
        operation = spec()["webhooks"][event_type]["post"]
        assert {p["name"] for p in operation["parameters"]} >= {"webhook-id", "webhook-signature"}
