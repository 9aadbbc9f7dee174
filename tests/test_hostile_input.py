"""No 500s from hostile input: every JSON endpoint and webhook (signed, so the body is parsed)
refuses a 5,000-digit integer and a lone surrogate with a 400, and the dashboard's parameters
refuse Unicode digits, huge numbers and far-off dates with a page, never a traceback."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from platform_support import (
    shopify_headers,
    stripe_headers,
    with_platform_secrets,
    woocommerce_headers,
)
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import signed_headers
from test_admin_auth import admin, form_token
from test_openapi import spec

ADMIN_KEY = "admin-key-for-tests-0123456789"
HUGE_INTEGER = "9" * 4301  # one past what int() converts
HOSTILE_BODIES = {
    "huge integer": b'{"campaign": "default", "email": "a@example.nl", "total": '
    + HUGE_INTEGER.encode()
    + b"}",
    "huge integer deep inside": b'{"type": "order.paid", "data": {"order_id": '
    + HUGE_INTEGER.encode()
    + b', "total": "1.00"}}',
    "lone surrogate in a name": b'{"campaign": "default", "email": "a@example.nl", "name": "Ann\\ud800a"}',
    "lone surrogate in a key": b'{"\\udfff": 1, "type": "order.paid"}',
    "lone low surrogate in a list": b'{"coupon_codes": ["\\udc00"], "ids": [1]}',
}
__all__ = ["admin"]  # the signed-in client fixture
PATH_VALUES = {
    "{slug}": "default",
    "{reward_id}": "1",
    "{endpoint_id}": "1",
    "{email}": "anna@example.nl",
    "{partner_id}": "1",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_platform_secrets(dataclasses.replace(settings, admin_api_key=ADMIN_KEY))


def json_operations() -> list[tuple[str, str]]:
    """Every operation of /openapi.json that takes a JSON body."""
    found = []
    for template, item in spec()["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                path = template
                for name, value in PATH_VALUES.items():
                    path = path.replace(name, value)
                found.append((method.upper(), path))
    return found


def headers_for(path: str, body: bytes, secret: str) -> dict[str, str]:
    """What a legitimate sender of this endpoint adds: a signature or a key, and the origin."""
    if path == "/webhooks/orders":
        return signed_headers(secret, body, "hostile-1")
    if path == "/webhooks/shopify":
        return shopify_headers(body, "orders/paid", "hostile-1")
    if path == "/webhooks/stripe":
        return stripe_headers(body)
    if path == "/webhooks/woocommerce":
        return woocommerce_headers(body, "order.created", "hostile-1")
    return {
        "content-type": "application/json",
        "authorization": f"Bearer {ADMIN_KEY}",
        "origin": "http://shop.test",
    }


def test_every_json_endpoint_is_covered() -> None:
    paths = {path for _, path in json_operations()}
    assert {"/webhooks/orders", "/webhooks/shopify", "/api/v1/advocates"} <= paths
    assert len(json_operations()) >= 12


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_hostile_json_is_a_400_on_every_json_endpoint(
    client: TestClient, webhook_secret: str, kind: str
) -> None:
    body = HOSTILE_BODIES[kind]
    answers: dict[str, Any] = {}
    for method, path in json_operations():
        response = client.request(
            method, path, content=body, headers=headers_for(path, body, webhook_secret)
        )
        answers[f"{method} {path}"] = (response.status_code, response.json()["error"]["code"])
    # The widget's beacon takes 4 kB at most: a 4,301-digit number is refused before it is read.
    fine = {(400, "malformed_json"), (413, "body_too_large")}
    wrong = {op: answer for op, answer in answers.items() if answer not in fine}
    assert answers.get("POST /api/v1/advocates") == (400, "malformed_json")
    assert not wrong, wrong


# --- the dashboard's parameters

UNICODE_DIGITS = [
    "²",
    "\u0661\u0662",
    "\U0001d7d7",
    "\u07c1",
    "\u0663",
]  # superscript two, Arabic-Indic, bold, NKo
HUGE = ["9" * 30, "9" * 5000, "18446744073709551616", "-1", "1e9", "0x10", " 1"]
DASHBOARD_PAGES = [
    "/admin?from={v}",
    "/admin?to={v}",
    "/admin?from=0001-01-02&to={v}",
    "/admin?from={v}&to=9999-12-30",
    "/admin/rewards?before={v}",
    "/admin/rewards?done=approved&n={v}",
    "/admin/rewards?done=approved&n=1&skipped={v}",
    "/admin/webhooks?before={v}",
    "/admin/campaigns/default?added={v}&duplicates={v}&conflicts={v}",
    "/admin/campaigns?archived={v}",
    "/admin/settings?campaign={v}",
    "/admin/settings/webhooks/deliveries/{v}",
    "/admin/preview?attribution_days={v}&referrer_reward_value={v}&friend_reward_value={v}",
    "/admin/rewards.csv?campaign={v}&status={v}",
    "/admin/activity?campaign={v}",
]
HOSTILE_DATES = ["0001-01-01", "9999-12-31", "0000-00-00", "+2025-01-01", "2025-W01-1"]


@pytest.mark.parametrize("page", DASHBOARD_PAGES)
def test_hostile_dashboard_parameters_get_a_page_never_a_500(admin: TestClient, page: str) -> None:
    for value in [*UNICODE_DIGITS, *HUGE, *HOSTILE_DATES]:
        response = admin.get(page.replace("{v}", value), follow_redirects=False)
        assert response.status_code < 500, (page, value, response.text[:300])


def test_hostile_reward_ids_in_the_bulk_form_are_ignored(admin: TestClient) -> None:
    token = form_token(admin, "/admin/rewards")
    for value in [*UNICODE_DIGITS, *HUGE]:
        response = admin.post(
            "/admin/rewards",
            data={"csrf": token, "action": "approve", "reward": value},
            follow_redirects=False,
        )
        assert response.status_code < 500, (value, response.text[:300])


DASHBOARD_FORMS = [
    ("/admin/campaigns", ["slug", "name", "shop_name", "landing_url", "friend_code"]),
    ("/admin/campaigns/default", ["name", "shop_name", "landing_url", "allowed_origins"]),
    ("/admin/settings/api-keys", ["name"]),
    ("/admin/settings/users", ["email", "password"]),
    ("/admin/settings/webhooks", ["url", "description", "events"]),
    ("/admin/settings/origins", ["campaign", "allowed_origins"]),
    ("/admin/rewards", ["action", "reason", "reward", "status", "campaign"]),
]


@pytest.mark.parametrize(("path", "fields"), DASHBOARD_FORMS)
def test_nul_and_odd_text_in_dashboard_forms_get_a_page_never_a_500(
    admin: TestClient, path: str, fields: list[str]
) -> None:
    """A NUL cannot be stored by PostgreSQL: a form that passed one on was a 500 there (the
    storage refuses it now, on both engines)."""
    token = form_token(admin, "/admin/settings")
    for value in ["\x00", "a\x00b", "x" * 3000, "\u202e", "²"]:
        data = {"csrf": token, **dict.fromkeys(fields, value)}
        response = admin.post(path, data=data, follow_redirects=False)
        assert response.status_code < 500, (path, repr(value), response.text[:300])


NUL_URLS = [
    "/r/A%00B-2345",
    "/qr/A%00B-2345.svg",
    "/api/v1/campaigns/de%00fault/widget",
    "/api/v1/campaigns/de%00fault/referrers?q=an%00na",
    "/api/v1/campaigns/de%00fault",
    "/api/v1/campaigns/de%00fault/stats",
    "/api/v1/campaigns/de%00fault/code-pool",
    "/api/v1/advocates?search=an%00na",
    "/api/v1/advocates?campaign=de%00fault",
    "/api/v1/rewards?campaign=de%00fault",
    "/api/v1/exports/advocates.csv?search=%00",
    "/admin?campaign=de%00fault",
    "/admin/campaigns/de%00fault",
    "/admin/preview?campaign=de%00fault",
    "/admin/rewards?campaign=de%00fault",
    "/admin/settings?campaign=de%00fault",
]


def test_a_nul_in_a_path_or_query_is_never_a_500(admin: TestClient) -> None:
    headers = {"authorization": f"Bearer {ADMIN_KEY}", "origin": "http://shop.test"}
    for url in NUL_URLS:
        response = admin.get(url, headers=headers, follow_redirects=False)
        assert response.status_code < 500, (url, response.text[:300])
