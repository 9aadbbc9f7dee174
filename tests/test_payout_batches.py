"""Payout batches through the owner's API: the owner enters advocates' accounts, makes a batch of
approved cash rewards, downloads this batch as a SEPA credit transfer (valid against the
pain.001.001.03 XSD) and as CSV, and marks it paid; a second batch never takes a paid reward."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sepaxml
import xmlschema
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, db_rows, follow_link, join_campaign, order_paid, signed_headers
from test_owner_api import ADMIN_KEY, Owner, error_of

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def sepa_dict(text: str) -> dict[str, Any]:
    """The file as the XSD reads it (and validated by the reading)."""
    decoded = xmlschema.XMLSchema(str(XSD)).to_dict(text)
    assert isinstance(decoded, dict)
    return decoded


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        admin_api_key=ADMIN_KEY,
        payout_name="Brandpunt Koffie B.V.",
        payout_iban="NL44 RABO 0123 4567 89",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def cash_referrals(client: TestClient, owner: Owner, secret: str, count: int) -> list[str]:
    """Anna and Bram each refer friends; the campaign pays the referrer €7.50 by transfer."""
    changed = owner.patch(
        "/api/v1/campaigns/default",
        json={"referrer_reward": {"type": "cash", "value": "7.50"}, "hold_days": 0},
    )
    assert changed.status_code == 200, changed.text
    codes = [
        str(join_campaign(client, email, name)["code"])
        for email, name in (("anna@example.nl", "Anna"), ("bram@example.nl", "Bram"))
    ]
    for n in range(count):
        body = order_paid(f"o{n}", f"friend{n}@example.com", ref=follow_link(client, codes[n % 2]))
        headers = signed_headers(secret, body, f"m{n}")
        assert client.post("/webhooks/orders", content=body, headers=headers).status_code == 200
    return codes


def approve_all(owner: Owner) -> list[int]:
    ids = [
        r["id"] for r in owner.get("/api/v1/rewards?status=pending&side=referrer").json()["data"]
    ]
    owner.post("/api/v1/rewards/bulk", json={"ids": ids, "action": "approve"})
    return sorted(ids)


def test_accounts_are_checked_and_kept(
    client: TestClient, owner: Owner, webhook_secret: str
) -> None:
    anna, _ = cash_referrals(client, owner, webhook_secret, 0)
    url = f"/api/v1/advocates/{anna}/payout-account"
    assert error_of(owner.get(url)) == (404, "no_payout_account", None)
    bad = {
        "iban": {"holder_name": "Anna", "iban": "NL91ABNA0417164301"},  # checksum
        "holder_name": {"holder_name": "  ", "iban": "NL91ABNA0417164300"},
        "bic": {"holder_name": "Anna", "iban": "NL91ABNA0417164300", "bic": "XX"},
    }
    for field, body in bad.items():
        assert error_of(owner.put(url, json=body)) == (422, f"invalid_{field}", field)
    outside = {"holder_name": "Anna", "iban": "BR1500000000000010932840814P2"}  # not SEPA
    assert error_of(owner.put(url, json=outside))[:2] == (422, "invalid_iban")
    assert error_of(owner.put(url, json={"iban": "x", "holder_name": "A", "note": 1}))[1] == (
        "unknown_field"
    )
    assert error_of(owner.put("/api/v1/advocates/NOPE-0000/payout-account", json={}))[1] == (
        "unknown_advocate"
    )
    saved = owner.put(
        url, json={"holder_name": " Anna  de Vries ", "iban": "nl91 abna 0417 1643 00"}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json() == {
        "holder_name": "Anna de Vries",
        "iban": "NL91ABNA0417164300",
        "iban_formatted": "NL91 ABNA 0417 1643 00",
        "bic": "ABNANL2A",
    }
    assert owner.get(url).json() == saved.json()


def test_a_batch_is_exported_as_sepa_and_csv_then_paid_once(
    client: TestClient, owner: Owner, settings: Settings, webhook_secret: str
) -> None:
    anna, bram = cash_referrals(client, owner, webhook_secret, 3)
    ids = approve_all(owner)
    payable = owner.get("/api/v1/payouts/payable").json()["data"]
    assert [(p["reward_id"], p["account"]) for p in payable] == [(i, None) for i in ids]
    # Without accounts nothing can be paid, and nothing is made.
    assert error_of(owner.post("/api/v1/payout-batches", json={"reward_ids": ids}))[:2] == (
        409,
        "nothing_to_pay",
    )
    owner.put(
        f"/api/v1/advocates/{anna}/payout-account",
        json={"holder_name": '=HYPERLINK("x")', "iban": "NL91ABNA0417164300"},
    )
    owner.put(
        f"/api/v1/advocates/{bram}/payout-account",
        json={"holder_name": "Bram Bakker", "iban": "DE89370400440532013000"},
    )
    made = owner.post("/api/v1/payout-batches", json={"reward_ids": [*ids, 10**30, 0]})
    assert made.status_code == 201, made.text
    batch: dict[str, Any] = made.json()
    assert (batch["status"], batch["total"]["amount"], batch["transfers"]) == ("open", "22.50", 3)
    assert [(s["reward_id"], s["code"]) for s in batch["skipped"]] == [
        (10**30, "unknown_reward"),
        (0, "unknown_reward"),
    ]

    sepa = owner.get(batch["sepa_url"])
    assert sepa.status_code == 200 and sepa.headers["content-type"] == "application/xml"
    xmlschema.XMLSchema(str(XSD)).validate(sepa.text)  # raises on any schema error
    document = sepa_dict(sepa.text)
    header = document["CstmrCdtTrfInitn"]["GrpHdr"]
    assert (header["NbOfTxs"], str(header["CtrlSum"])) == ("3", "22.50")
    info = document["CstmrCdtTrfInitn"]["PmtInf"][0]
    assert info["DbtrAcct"]["Id"]["IBAN"] == "NL44RABO0123456789"
    transfers = info["CdtTrfTxInf"]
    assert sorted(t["CdtrAcct"]["Id"]["IBAN"] for t in transfers) == [
        "DE89370400440532013000",
        "NL91ABNA0417164300",
        "NL91ABNA0417164300",
    ]
    assert {t["PmtId"]["EndToEndId"] for t in transfers} == {f"SB-B{batch['id']}-R{i}" for i in ids}
    # The same file on every download: the bank refuses a MsgId it has seen.
    again_header = sepa_dict(owner.get(batch["sepa_url"]).text)["CstmrCdtTrfInitn"]["GrpHdr"]
    assert again_header["MsgId"] == header["MsgId"]

    exported = owner.get(batch["csv_url"])
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    text = exported.content.decode("utf-8-sig")
    assert all(line.startswith('"') for line in text.splitlines())  # every cell quoted
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(int(r["reward_id"]) for r in rows) == ids
    assert {r["holder_name"] for r in rows} == {'\'=HYPERLINK("x")', "Bram Bakker"}
    assert {r["amount"] for r in rows} == {"7.50"}

    paid = owner.post(f"/api/v1/payout-batches/{batch['id']}/paid")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    again = owner.post(f"/api/v1/payout-batches/{batch['id']}/paid")
    assert again.json()["paid_at"] == paid.json()["paid_at"]
    statuses = {
        r["id"]: r["status"] for r in owner.get("/api/v1/rewards?side=referrer").json()["data"]
    }
    assert statuses == dict.fromkeys(ids, "fulfilled")
    fulfilments = db_rows(
        settings,
        "SELECT COUNT(*) FROM reward_changes WHERE to_status = 'fulfilled' "
        "AND actor = 'SHAREBACK_ADMIN_API_KEY'",
    )
    assert fulfilments[0][0] == 3
    # A second batch never picks up a paid reward.
    assert owner.get("/api/v1/payouts/payable").json()["data"] == []
    second = owner.post("/api/v1/payout-batches", json={"reward_ids": ids})
    assert error_of(second)[:2] == (409, "nothing_to_pay")
    listed = owner.get("/api/v1/payout-batches").json()["data"]
    assert [(b["id"], b["status"]) for b in listed] == [(batch["id"], "paid")]


def test_bad_batch_requests_are_4xx(client: TestClient, owner: Owner) -> None:
    bodies: list[dict[str, Any]] = [
        {},
        {"reward_ids": []},
        {"reward_ids": "1,2"},
        {"reward_ids": [1, "2"]},
        {"reward_ids": [True]},
        {"reward_ids": list(range(1, 502))},
    ]
    for body in bodies:
        assert error_of(owner.post("/api/v1/payout-batches", json=body))[:2] == (
            422,
            "invalid_reward_ids",
        )
    assert error_of(owner.post("/api/v1/payout-batches"))[:2] == (400, "malformed_json")
    assert error_of(owner.post("/api/v1/payout-batches", json={"reward_ids": [1], "x": 1}))[1] == (
        "unknown_field"
    )
    for raw in ("999", "0", "abc", "1e3", "99999999999999999999999"):
        assert error_of(owner.get(f"/api/v1/payout-batches/{raw}"))[:2] == (
            404,
            "unknown_payout_batch",
        )
        assert error_of(owner.get(f"/api/v1/payout-batches/{raw}/sepa.xml"))[0] == 404
        assert error_of(owner.post(f"/api/v1/payout-batches/{raw}/paid"))[0] == 404
    assert error_of(owner.get("/api/v1/payouts/payable?campaign=nope"))[:2] == (
        404,
        "unknown_campaign",
    )
    assert error_of(owner.get("/api/v1/payouts/payable?status=x"))[:2] == (400, "unknown_parameter")


def test_without_the_shops_iban_a_batch_exports_as_csv_only(
    settings: Settings, webhook_secret: str
) -> None:
    bare = dataclasses.replace(settings, payout_iban=None)
    with TestClient(create_app(bare), headers={"user-agent": BROWSER_UA}) as client:
        owner = Owner(client)
        anna, _ = cash_referrals(client, owner, webhook_secret, 1)
        owner.put(
            f"/api/v1/advocates/{anna}/payout-account",
            json={"holder_name": "Anna", "iban": "NL91ABNA0417164300"},
        )
        batch = owner.post("/api/v1/payout-batches", json={"reward_ids": approve_all(owner)}).json()
        assert error_of(owner.get(batch["sepa_url"]))[:2] == (409, "payout_account_missing")
        assert owner.get(batch["csv_url"]).status_code == 200


def test_payout_accounts_and_credit_are_in_a_persons_export_and_go_with_an_erasure(
    client: TestClient, owner: Owner, settings: Settings, webhook_secret: str
) -> None:
    anna, _ = cash_referrals(client, owner, webhook_secret, 2)
    owner.put(
        f"/api/v1/advocates/{anna}/payout-account",
        json={"holder_name": "Anna de Vries", "iban": "NL91ABNA0417164300"},
    )
    ids = approve_all(owner)
    owner.post("/api/v1/payout-batches", json={"reward_ids": ids})
    doc = owner.get("/api/v1/gdpr/export", params={"email": "anna@example.nl"}).json()
    assert [a["iban"] for a in doc["payout_accounts"]] == ["NL91ABNA0417164300"]
    assert [(p["holder_name"], p["amount_minor"]) for p in doc["payouts"]] == [
        ("Anna de Vries", 750)
    ]
    erased = owner.post("/api/v1/gdpr/delete", json={"email": "anna@example.nl"}).json()
    assert erased["erased"]["payout_accounts"] == 1
    stored = "\n".join(
        repr(tuple(row))
        for table in ("payout_accounts", "payout_items", "credit_entries")
        for row in db_rows(settings, f"SELECT * FROM {table}")
    )
    assert "NL91ABNA0417164300" not in stored and "Anna de Vries" not in stored
    assert db_rows(settings, "SELECT amount_minor FROM payout_items")[0][0] == 750
