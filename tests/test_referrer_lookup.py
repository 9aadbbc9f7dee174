"""GET /api/v1/campaigns/{slug}/referrers?q=: the checkout's "referred by a friend?" look-up. It
names referrers by code and shortened name only, only those who shared and chose to be found, and
is guarded like the widget's endpoints (allowed origins, a per-address limit)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, SHOP, follow_link, join_campaign, order_paid, signed_headers

ADMIN_KEY = "test-admin-key-0123456789"
URL = "/api/v1/campaigns/default/referrers"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    owner = dataclasses.replace(settings, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(owner), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


def look_up(client: TestClient, q: str, origin: str | None = SHOP) -> httpx2.Response:
    headers = {"origin": origin} if origin else {}
    return client.get(URL, params={"q": q}, headers=headers)


def matches(client: TestClient, q: str) -> list[dict[str, Any]]:
    response = look_up(client, q)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def active(client: TestClient, email: str, name: str | None) -> dict[str, Any]:
    """An advocate who chose to be found and whose link a friend has followed."""
    advocate = join_campaign(client, email, name, findable=True)
    follow_link(client, str(advocate["code"]))
    return advocate


def test_a_referrer_is_found_by_name_and_shown_without_email_or_surname(
    client: TestClient,
) -> None:
    anna = active(client, "anna.devries@example.nl", "Anna de Vries")
    for q in ("Ann", "anna", "ANNA D", "vries", " anna   de "):
        response = look_up(client, q)
        assert response.json() == {
            "data": [{"code": anna["code"], "display_name": "Anna d. V."}]
        }, q
        assert "@" not in response.text and "Vries" not in response.text
        assert response.headers["cache-control"] == "no-store"
    # An e-mail address is no way in: not the whole, not its parts.
    assert matches(client, "anna.devries@example.nl") == []
    assert matches(client, "devries") == []
    assert matches(client, "example.nl") == []


def test_accents_and_case_do_not_matter(client: TestClient) -> None:
    zoe = active(client, "zoe@example.nl", "Zoë van Dam")
    assert matches(client, "zoe") == [{"code": zoe["code"], "display_name": "Zoë v. D."}]
    assert matches(client, "ZOË")[0]["code"] == zoe["code"]


def test_advocates_who_never_shared_cannot_be_found_by_name_or_code(client: TestClient) -> None:
    silent = join_campaign(client, "bram@example.nl", "Bram Bakker", findable=True)
    assert matches(client, "bram") == []
    # Not from a guessable coupon code either (BRAM10 → "Bram B." named someone who never shared).
    assert matches(client, str(silent["coupon_code"])) == []
    beacon = {"campaign": "default", "type": "share", "channel": "whatsapp", "code": silent["code"]}
    client.post("/api/v1/events", json=beacon, headers={"origin": SHOP})
    assert [m["code"] for m in matches(client, "bram")] == [silent["code"]]
    assert [m["code"] for m in matches(client, str(silent["coupon_code"]))] == [silent["code"]]


def test_exact_codes_come_first_then_names_and_never_more_than_five(client: TestClient) -> None:
    # With €7.50 off there is no whole number to put in coupon codes: Lotte's is plain LOTTE.
    changed = client.patch(
        "/api/v1/campaigns/default",
        json={"friend_reward": {"type": "fixed_discount", "value": "7.50"}},
        headers={"authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert changed.status_code == 200, changed.text
    exact = active(client, "lotte@example.nl", "Lotte Visser")
    assert exact["coupon_code"] == "LOTTE"
    others = [active(client, f"lotte{n}@example.nl", f"Lotte {n}") for n in range(6)]
    found = matches(client, "lotte")
    assert len(found) == 5
    assert found[0] == {"code": exact["code"], "display_name": "Lotte V."}
    assert {m["code"] for m in found[1:]} <= {str(o["code"]) for o in others}
    by_code = matches(client, str(exact["code"]).lower())
    assert by_code == [{"code": exact["code"], "display_name": "Lotte V."}]


def test_a_nameless_advocate_is_found_by_code_only(client: TestClient) -> None:
    nameless = active(client, "sem@example.nl", None)
    assert matches(client, str(nameless["code"])) == [
        {"code": nameless["code"], "display_name": None}
    ]
    assert matches(client, "sem") == []


def test_the_query_needs_three_characters(client: TestClient) -> None:
    active(client, "anna@example.nl", "Anna")
    for q in ("", "an", "  a ", "a\u0000b"):
        response = look_up(client, q)
        assert response.status_code == 422, q
        assert response.json()["error"]["field"] == "q"
    assert look_up(client, "an").json()["error"]["code"] == "query_too_short"
    assert client.get(URL, headers={"origin": SHOP}).status_code == 422
    assert look_up(client, "x" * 101).json()["error"]["code"] == "invalid_query"


def test_only_the_campaigns_origins_may_ask(client: TestClient) -> None:
    active(client, "anna@example.nl", "Anna")
    allowed = look_up(client, "anna")
    assert allowed.headers["access-control-allow-origin"] == SHOP
    refused = look_up(client, "anna", origin="https://evil.example")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in refused.headers
    # The shop's own server may ask without an Origin header.
    assert look_up(client, "anna", origin=None).status_code == 200
    preflight = client.options(
        URL, headers={"origin": SHOP, "access-control-request-method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SHOP
    assert client.get("/api/v1/campaigns/nope/referrers?q=anna").status_code == 404


def test_twenty_look_ups_a_minute_per_address(client: TestClient) -> None:
    active(client, "anna@example.nl", "Anna")
    answers = [look_up(client, "anna").status_code for _ in range(20)]
    assert answers == [200] * 20
    limited = look_up(client, "anna")
    assert limited.status_code == 429
    error = limited.json()["error"]
    assert error["code"] == "rate_limited" and "minute" in error["message"]
    # The answer still carries CORS headers, so the checkout's script can read why.
    assert limited.headers["access-control-allow-origin"] == SHOP


def test_the_chosen_code_sent_as_ref_credits_the_referrer(
    client: TestClient, webhook_secret: str
) -> None:
    active(client, "anna@example.nl", "Anna de Vries")
    chosen = matches(client, "anna")[0]["code"]
    body = order_paid("1001", "friend@example.com", ref=chosen)
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1")
    ).json()
    assert answer["status"] == "recorded" and answer["reason"] == "referral_code"
