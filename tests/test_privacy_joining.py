"""POST /api/v1/advocates without a verified identity learns nothing it did not send: not a
stored name, not a code, not whether the address is known. Each test is an attack of the
security review, reproduced; each now fails to learn anything."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from shareback import identity
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    IDENTITY_SECRET,
    SHOP,
    count,
    db_execute,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    signed_headers,
)

ADMIN_KEY = "test-admin-key-0123456789"
VICTIM = "victoria.private@gmail.com"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    owner = dataclasses.replace(settings, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(owner), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


def unsigned(client: TestClient, email: str, name: str | None = None) -> httpx2.Response:
    body: dict[str, Any] = {"campaign": "default", "email": email}
    if name is not None:
        body["name"] = name
    return client.post("/api/v1/advocates", json=body, headers={"origin": SHOP})


def shape(document: dict[str, Any]) -> dict[str, str]:
    return {key: type(value).__name__ for key, value in document.items()}


def victim(client: TestClient) -> dict[str, object]:
    """Victoria, signed in at the shop: her name-based codes and her name are stored."""
    return join_campaign(client, VICTIM, "Victoria Private")


def test_an_unsigned_join_with_someones_address_learns_nothing_stored(
    client: TestClient, settings: Settings
) -> None:
    her = victim(client)
    assert her["coupon_code"] == "VICTORIA10" and str(her["code"]).startswith("VICTORIA-")
    attack = unsigned(client, VICTIM, "x")
    assert attack.status_code == 200
    doc = attack.json()
    assert doc["name"] == "x"  # what the request sent, nothing more
    assert doc["coupon_code"] is None and doc["verified"] is False
    assert doc["code"] != her["code"] and str(doc["code"]).startswith("FRIEND-")
    assert "VICTORIA" not in attack.text.upper() and "PRIVATE" not in attack.text.upper()
    # Without a name the answer has none either (not the stored one).
    assert unsigned(client, VICTIM).json()["name"] is None
    # Her record is as it was: not renamed, still hers, one advocate.
    row = db_rows(settings, "SELECT name, verified, code FROM advocates")
    assert [(r[0], bool(r[1]), r[2]) for r in row] == [("Victoria Private", True, her["code"])]


def test_known_and_unknown_addresses_answer_with_the_same_status_and_shape(
    client: TestClient,
) -> None:
    victim(client)
    known = [unsigned(client, VICTIM, "Eve") for _ in range(2)]
    unknown = [unsigned(client, "nobody.yet@example.nl", "Eve") for _ in range(2)]
    assert {r.status_code for r in known + unknown} == {200}
    assert len({str(shape(r.json())) for r in known + unknown}) == 1
    # A fresh link every time, for a new address as for a known one: asking twice tells nothing.
    for pair in (known, unknown):
        assert pair[0].json()["code"] != pair[1].json()["code"]
    for response in known + unknown:
        doc = response.json()
        assert (doc["name"], doc["coupon_code"], doc["verified"]) == ("Eve", None, False)


def test_the_further_link_works_credits_the_advocate_and_names_only_what_it_was_sent(
    client: TestClient, webhook_secret: str
) -> None:
    her = victim(client)
    link = str(unsigned(client, VICTIM, "Eve").json()["code"])
    ref = follow_link(client, link, "whatsapp")
    # The friend's landing names whoever made this link as they typed it, never the stored
    # name; the ref carries this code only.
    landing = client.get(
        "/api/v1/campaigns/default/widget", params={"ref": ref}, headers={"origin": SHOP}
    ).json()
    assert landing["ref"] == "valid" and landing["friend"]["referrer_name"] == "Eve"
    assert "VICTORIA" not in ref.upper()
    # Her own link still names her to the friends she shares it with.
    own = client.get(
        "/api/v1/campaigns/default/widget",
        params={"ref": follow_link(client, str(her["code"]))},
        headers={"origin": SHOP},
    ).json()
    assert own["friend"]["referrer_name"] == "Victoria"
    body = order_paid("1001", "friend@example.com", ref=ref)
    outcome = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1")
    ).json()
    assert outcome["status"] == "recorded"
    referral = client.get(
        "/api/v1/referrals", headers={"authorization": f"Bearer {ADMIN_KEY}"}
    ).json()["data"][0]
    assert referral["advocate"]["code"] == her["code"]  # she is credited


def test_a_signed_plus_address_does_not_open_the_plain_addresses_record(
    client: TestClient, settings: Settings
) -> None:
    """victoria.private+me@gmail.com is another account at the shop; its correct signature used to
    open (and mark verified) the record of victoria.private@gmail.com, found by the inbox key."""
    her = victim(client)
    other = "victoria.private+me@gmail.com"
    good_hash = identity.user_hash(IDENTITY_SECRET, other)
    response = client.post(
        "/api/v1/advocates",
        json={"campaign": "default", "email": other, "name": "Mallory", "user_hash": good_hash},
        headers={"origin": SHOP},
    )
    assert response.status_code == 200
    doc = response.json()
    assert doc["code"] != her["code"] and doc["coupon_code"] is None
    assert (doc["name"], doc["verified"]) == ("Mallory", False)
    assert "VICTORIA" not in response.text.upper()
    rows = db_rows(settings, "SELECT email, name FROM advocates")
    assert [tuple(r) for r in rows] == [(VICTIM, "Victoria Private")]
    # The exact address, signed, still opens her record, whatever its case.
    again = join_campaign(client, VICTIM.upper())
    assert again["code"] == her["code"] and again["name"] == "Victoria Private"


def test_a_signed_address_that_folds_into_anothers_does_not_open_it(
    client: TestClient, settings: Settings
) -> None:
    """The review's Kelvin sign (U+212A): str.lower() reads it as k, so the shop's signature of
    "\u212aelvin@example.com" (another account at the shop) opened kelvin@example.com's record.
    One form everywhere now: ASCII letters folded, every other character as written."""
    kelvin = join_campaign(client, "kelvin@example.com", "Kelvin Victim")
    other = "\u212aelvin@example.com"
    good_hash = identity.user_hash(IDENTITY_SECRET, other)
    response = client.post(
        "/api/v1/advocates",
        json={"campaign": "default", "email": other, "name": "Mallory", "user_hash": good_hash},
        headers={"origin": SHOP},
    )
    assert response.status_code == 200
    doc = response.json()
    assert doc["code"] != kelvin["code"] and "KELVIN" not in response.text.upper()
    assert doc["coupon_code"] != kelvin["coupon_code"]
    rows = db_rows(settings, "SELECT name, verified FROM advocates WHERE email = ?", (other,))
    assert [(r[0], bool(r[1])) for r in rows] == [("Mallory", True)]  # an advocate of its own


def test_codes_spell_a_first_name_only_when_it_came_with_the_signed_identity(
    client: TestClient, settings: Settings
) -> None:
    typed = join_campaign(client, "bob@example.nl", "Bob Bouwer", signed=False)
    assert str(typed["code"]).startswith("FRIEND-")
    coupon = db_rows(settings, "SELECT coupon_code FROM advocates")[0][0]
    assert not coupon.startswith("BOB") and coupon.startswith("FRIEND10")
    # Nor the address: a nameless signed shopper gets FRIEND too, not JANPIETE from jan.pieter@.
    signed = join_campaign(client, "jan.pieter@example.nl")
    assert str(signed["code"]).startswith("FRIEND-")
    assert str(join_campaign(client, "anna@example.nl", "Anna")["code"]).startswith("ANNA-")
    assert count(settings, "advocates") == 3


def test_the_look_up_names_only_advocates_who_shared_and_chose_to_be_found(
    client: TestClient,
) -> None:
    """BOB10 → "Bob B." named someone who never shared and never agreed to be found."""
    bob = join_campaign(client, "bob@example.nl", "Bob Bakker")
    assert bob["coupon_code"] == "BOB10"

    def look_up(q: str) -> list[dict[str, Any]]:
        response = client.get(
            "/api/v1/campaigns/default/referrers", params={"q": q}, headers={"origin": SHOP}
        )
        assert response.status_code == 200
        data: list[dict[str, Any]] = response.json()["data"]
        return data

    assert look_up("BOB10") == [] and look_up("bob") == []
    follow_link(client, str(bob["code"]))  # he shared: his link was followed
    assert look_up("BOB10") == [] and look_up("bob") == []  # but never chose to be found
    join_campaign(client, "bob@example.nl", findable=True)  # now he does, signed in
    assert look_up("BOB10") == [{"code": bob["code"], "display_name": "Bob B."}]
    assert [m["code"] for m in look_up("bob")] == [bob["code"]]
    # Someone else typing his address cannot change that choice either way.
    client.post(
        "/api/v1/advocates",
        json={"campaign": "default", "email": "bob@example.nl", "findable": False},
        headers={"origin": SHOP},
    )
    assert [m["code"] for m in look_up("bob")] == [bob["code"]]
    join_campaign(client, "bob@example.nl", findable=False)  # he changes his mind
    assert look_up("bob") == [] and look_up("BOB10") == []


def test_findable_must_be_a_boolean(client: TestClient) -> None:
    response = client.post(
        "/api/v1/advocates",
        json={"campaign": "default", "email": "a@example.nl", "findable": "yes"},
        headers={"origin": SHOP},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "findable"


def test_what_a_friend_sees_does_not_tell_whether_the_address_was_known(
    client: TestClient,
) -> None:
    """The review's finding: the friend's landing showed the typed name for a new address and
    none for a known one (a further link), so one click told them apart. A further link now
    keeps the name its join typed, as a new advocate's link does."""
    victim(client)

    def referrer_seen(email: str) -> object:
        code = unsigned(client, email, "Zed Probe").json()["code"]
        ref = follow_link(client, code)
        widget = client.get("/api/v1/campaigns/default/widget", params={"ref": ref})
        return widget.json()["friend"]["referrer_name"]

    assert referrer_seen(VICTIM) == referrer_seen("nobody.known@example.com") == "Zed"


def test_the_first_signed_visit_replaces_what_an_unsigned_join_planted(
    client: TestClient, settings: Settings
) -> None:
    """The review's finding: a stranger's unsigned join of carol@ with a name and findable=true
    survived Carol's own signed visit, so the look-up named her by a stranger's words."""
    planted = unsigned(client, "carol@example.org", "Carol Secret")
    assert planted.status_code == 200
    db_execute(settings, "UPDATE advocates SET findable = TRUE")  # as if findable was sent
    hers = join_campaign(client, "carol@example.org", "Carol de Wit")
    assert (hers["name"], hers["verified"]) == ("Carol de Wit", True)
    rows = db_rows(settings, "SELECT name, findable FROM advocates")
    assert [(r[0], bool(r[1])) for r in rows] == [("Carol de Wit", False)]
    # Later visits follow the usual rule: a name fills a blank, never overwrites.
    again = join_campaign(client, "carol@example.org", "Someone Else")
    assert again["name"] == "Carol de Wit"
