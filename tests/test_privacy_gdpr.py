"""A person's data requests: `shareback gdpr export|delete` and the owner API return or erase
everything about them, and the owner's statistics read the same before and after."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from shareback.app import create_app
from shareback.cli import main
from shareback.settings import Settings
from shareback.storage.copy import TABLES
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    SHOP,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)

ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
ANNA, BRAM = "Anna.de.Vries@example.nl", "bram.jansen@example.com"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    owner = dataclasses.replace(settings, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(owner), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


def send(client: TestClient, secret: str, body: bytes, message_id: str) -> None:
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )
    assert response.status_code == 200, response.text


def seed(client: TestClient, secret: str) -> dict[str, object]:
    """Anna shares (WhatsApp, a further link from another device), Bram buys through her link;
    a second friend's order is refunded; Bram becomes an advocate himself."""
    anna = join_campaign(client, ANNA, "Anna de Vries", findable=True)
    client.post(
        "/api/v1/events",
        json={"campaign": "default", "type": "share", "channel": "whatsapp", "code": anna["code"]},
        headers={"origin": SHOP},
    )
    further = client.post(
        "/api/v1/advocates", json={"campaign": "default", "email": ANNA}, headers={"origin": SHOP}
    ).json()
    follow_link(client, str(further["code"]))
    refs = [follow_link(client, str(anna["code"]), "whatsapp") for _ in range(2)]
    send(client, secret, order_paid("1001", BRAM, "40.00", refs[0], name="Bram Jansen"), "m1")
    send(client, secret, order_paid("1002", "chris@example.com", "30.00", refs[1]), "m2")
    send(client, secret, order_refunded("1002"), "m3")
    join_campaign(client, BRAM, "Bram Jansen")
    return anna


def stats(client: TestClient) -> Any:
    return client.get("/api/v1/campaigns/default/stats", headers=AUTH).json()


def every_stored_value(settings: Settings) -> str:
    return "\n".join(
        repr(tuple(row)) for table in TABLES for row in db_rows(settings, f"SELECT * FROM {table}")
    ).casefold()


def test_the_export_holds_everything_about_the_person(
    client: TestClient, webhook_secret: str
) -> None:
    anna = seed(client, webhook_secret)
    response = client.get("/api/v1/gdpr/export", params={"email": ANNA.upper()}, headers=AUTH)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["email"] == ANNA.upper()
    [advocate] = doc["advocates"]
    assert (advocate["email"], advocate["name"], advocate["code"]) == (
        ANNA,
        "Anna de Vries",
        anna["code"],
    )
    assert (advocate["coupon_code"], advocate["verified"], advocate["findable"]) == (
        "ANNA10",
        True,
        True,
    )
    assert len(doc["links"]) == 1  # the further link from the other device
    assert len(doc["clicks"]) == 3 and all(len(k["ip_hash"]) == 32 for k in doc["clicks"])
    assert "testclient" not in response.text  # clicks hashed, no address
    assert [e["type"] for e in doc["events"]] == ["share"]
    assert [r["order_id"] for r in doc["referrals_as_advocate"]] == ["1001", "1002"]
    assert "bram" not in json.dumps(doc["referrals_as_advocate"])  # the friends' data is theirs
    assert {(r["side"], r["status"]) for r in doc["rewards"]} == {
        ("referrer", "pending"),
        ("referrer", "revoked"),
    }
    assert doc["orders"] == [] and doc["referrals_as_friend"] == []
    assert "advocate.created" in {e["type"] for e in doc["outgoing_events"]}
    assert doc["advocates"][0]["created_at"].endswith("Z")
    # And the friend: their order, the referral that names them, their reward.
    bram = client.get("/api/v1/gdpr/export", params={"email": BRAM}, headers=AUTH).json()
    assert [o["order_id"] for o in bram["orders"]] == ["1001"]
    assert bram["referrals_as_friend"][0]["advocate_code"] == anna["code"]
    assert bram["referrals_as_friend"][0]["friend_name"] == "Bram Jansen"
    assert {r["side"] for r in bram["rewards"]} == {"friend"}
    # The e-mails planned for them: Bram's "invite your friends" after his order.
    assert [(m["journey"], m["recipient"]) for m in bram["mail"]] == [("invite", BRAM)]


def test_erasure_leaves_nothing_that_names_the_person_and_the_same_statistics(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    anna = seed(client, webhook_secret)
    before = stats(client)
    counts = before["counts"]
    assert (counts["conversions"], counts["refunded_conversions"], counts["clicks"]) == (1, 1, 3)
    for person in (ANNA, BRAM):
        response = client.post("/api/v1/gdpr/delete", json={"email": person}, headers=AUTH)
        assert response.status_code == 200, response.text
    assert response.json()["erased"]["orders"] == 1
    assert stats(client) == before  # every count, rate, amount and day the same
    stored = every_stored_value(settings)
    for trace in ("anna.de.vries", "anna de vries", "annadevries", "anna10", str(anna["code"])):
        assert trace.casefold() not in stored, trace
    for trace in ("bram.jansen", "bram jansen", "bram10"):
        assert trace not in stored, trace
    # Her links no longer lead anywhere; the export now finds nothing.
    assert client.get(f"/r/{anna['code']}", follow_redirects=False).status_code == 404
    empty = client.get("/api/v1/gdpr/export", params={"email": ANNA}, headers=AUTH).json()
    assert all(empty[name] == [] for name in empty if name not in ("email", "note"))
    # A second request finds nothing more to erase.
    again = client.post("/api/v1/gdpr/delete", json={"email": ANNA}, headers=AUTH).json()
    assert set(again["erased"].values()) == {0}


def test_the_gdpr_requests_need_the_owners_key_and_a_valid_address(client: TestClient) -> None:
    assert client.get("/api/v1/gdpr/export", params={"email": ANNA}).status_code == 401
    assert client.post("/api/v1/gdpr/delete", json={"email": ANNA}).status_code == 401
    for params, code in (({}, "missing_email"), ({"email": "nope"}, "invalid_email")):
        answer = client.get("/api/v1/gdpr/export", params=params, headers=AUTH)
        assert answer.status_code == 400 and answer.json()["error"]["code"] == code
    bad = client.post("/api/v1/gdpr/delete", json={"email": "nope"}, headers=AUTH)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "email"


def test_the_command_line_exports_and_erases_alike(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    seed(client, webhook_secret)
    before = stats(client)
    env = {"SHAREBACK_DATABASE_URL": settings.database_url}
    exported = CliRunner().invoke(main, ["gdpr", "export", "--email", BRAM], env=env)
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["orders"][0]["order_id"] == "1001"
    refused = CliRunner().invoke(main, ["gdpr", "delete", "--email", BRAM], env=env, input="n\n")
    assert refused.exit_code == 1 and BRAM in every_stored_value(settings)
    erased = CliRunner().invoke(main, ["gdpr", "delete", "--email", BRAM, "--yes"], env=env)
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.output)["erased"]["referrals_as_friend"] == 1
    assert BRAM not in every_stored_value(settings)
    assert stats(client) == before
    bad = CliRunner().invoke(main, ["gdpr", "export", "--email", "nope"], env=env)
    assert bad.exit_code != 0 and "not an e-mail address" in bad.output
