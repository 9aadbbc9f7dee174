"""NUL characters: PostgreSQL cannot store them and SQLite could, so both engines refuse them
with a 400 and keep nothing, instead of a 500 on one and a stored oddity on the other."""

from __future__ import annotations

import dataclasses
import json

from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import count, follow_link, join_campaign, signed_headers


def test_a_nul_in_a_path_or_query_is_a_4xx(client: TestClient) -> None:
    for url in (
        "/r/ANNA%00-1234",
        "/qr/ANNA%00.svg",
        "/api/v1/campaigns/def%00ault/widget",
    ):
        response = client.get(url, follow_redirects=False)
        assert 400 <= response.status_code < 500, url


def test_a_nul_inside_a_webhook_is_refused_and_writes_nothing(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    ref = follow_link(client, code)
    body = json.dumps(
        {
            "type": "order.paid",
            "data": {
                "order_id": "10\u000001",
                "email": "friend@example.com",
                "total": "59.90",
                "currency": "EUR",
                "ref": ref,
            },
        }
    ).encode()
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "msg_nul")
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_text"
    assert count(settings, "orders") == 0
    assert count(settings, "webhook_messages") == 0


def test_a_nul_in_an_api_value_is_refused_beside_its_field_even_where_unused(
    client: TestClient,
) -> None:
    """/openapi.json says every free-text value holds no NUL; the API keeps to it everywhere,
    also where the value would not be stored (the widget's beacon ignores a known channel's
    text, a join's name is dropped without a signed identity)."""
    for path, body, field in (
        (
            "/api/v1/advocates",
            {"campaign": "default", "email": "a@x.nl", "name": "A\u0000"},
            "name",
        ),
        ("/api/v1/events", {"campaign": "default", "type": "open", "code": "x\u0000"}, "code"),
        ("/api/v1/advocates", [{"campaign": "default\u0000"}], None),
    ):
        answer = client.post(path, json=body, headers={"origin": "http://shop.test"})
        assert answer.status_code == (422 if field else 400), (path, answer.text)
        assert answer.json()["error"]["code"] == "invalid_text"
        assert answer.json()["error"].get("field") == field


def test_open_bodies_check_exactly_their_documented_fields(client: TestClient) -> None:
    """The join, the beacon and a new endpoint let unknown fields through unread (as their
    documents say): a NUL there is no concern, a NUL in a documented field is."""
    from shareback.api import advocates, events, outgoing

    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for fields, name in (
        (advocates.FIELDS, "JoinRequest"),
        (events.FIELDS, "WidgetEvent"),
        (outgoing.FIELDS, "WebhookEndpointInput"),
    ):
        assert set(fields) == set(schemas[name]["properties"]), name
        assert schemas[name].get("additionalProperties", True) is not False, name
    body = {"campaign": "default", "email": "a@x.nl", "extra": ["\u0000"]}
    answer = client.post("/api/v1/advocates", json=body, headers={"origin": "http://shop.test"})
    assert (
        answer.status_code != 500 and answer.json().get("error", {}).get("code") != "invalid_text"
    )


def test_an_unknown_parameter_named_with_a_nul_is_quoted_escaped(settings: Settings) -> None:
    keyed = dataclasses.replace(settings, admin_api_key="admin-key-for-tests-0123456789")
    with TestClient(create_app(keyed)) as owner:
        answer = owner.get(
            "/api/v1/campaigns?x%00y=1",
            headers={"authorization": "Bearer admin-key-for-tests-0123456789"},
        )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "unknown_parameter"
    assert "x\\u0000y" in answer.json()["error"]["message"] and "\x00" not in answer.text


def test_a_nul_in_a_field_name_is_an_unknown_field_not_a_crash(client: TestClient) -> None:
    body = {"campaign": "default", "email": "a@x.nl", "na\u0000me": "A"}
    answer = client.post("/api/v1/advocates", json=body, headers={"origin": "http://shop.test"})
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:  # refused by its name, as any unknown field is
        assert answer.json()["error"]["code"] == "unknown_field"
