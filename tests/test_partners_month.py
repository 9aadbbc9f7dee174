"""A partner's month (issue 14.5), through HTTP only: Sanne applies on the public form, the owner
approves her, her sub-links (Instagram bio, YouTube) and her checkout code bring orders through
signed webhooks (one replayed, one in dollars, one a repeat order inside her window), a partial
refund before and one after approval, the commission pending → approved → paid in a SEPA batch
(the XML parsed), and her portal's numbers equal to the dashboard's and the API's."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from mail_support import SmtpServer, html_links
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import BROWSER_UA, db_rows, signed_headers
from test_admin_auth import create_admin, sign_in
from test_owner_api import ADMIN_KEY, Owner
from test_payout_batches import sepa_dict

IBAN = "NL91ABNA0417164300"
SANNE = "sanne@influencer.example"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return dataclasses.replace(
        settings,
        admin_api_key=ADMIN_KEY,
        payout_name="Brandpunt Koffie B.V.",
        payout_iban="NL44 RABO 0123 4567 89",
        smtp_url=smtp.url,
        email_from="Brandpunt Koffie <hallo@brandpunt.example>",
        mail_interval_seconds=3600,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def send(client: TestClient, secret: str, kind: str, data: dict[str, Any], msg: str) -> Any:
    body = json.dumps({"type": kind, "data": data}).encode()
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, msg)
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def paid(
    client: TestClient,
    secret: str,
    msg: str,
    order: str,
    email: str,
    total: str,
    ref: str | None = None,
    **extra: Any,
) -> Any:
    data = {"order_id": order, "email": email, "total": total, "currency": "EUR", "ref": ref}
    return send(client, secret, "order.paid", {**data, **extra}, msg)


def follow(client: TestClient, path: str, visitor: str) -> str:
    """A friend's browser following a partner's link: the ref it lands with."""
    landed = client.get(
        path, follow_redirects=False, headers={"user-agent": f"{BROWSER_UA} {visitor}"}
    )
    assert landed.status_code == 303, landed.text
    found = re.search(r"[?&]ref=([^&#]+)", landed.headers["location"])
    assert found is not None
    return found.group(1)


def days_later(settings: Settings, days: int) -> int:
    """The scheduler's approval round on that day."""

    async def go() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_commissions(datetime.now(UTC) + timedelta(days=days))
        finally:
            await store.close()

    return asyncio.run(go())


class StatsTable(HTMLParser):
    """The numbers table (id partner-stats) as {placement: {stat: text}}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.placement: str | None = None
        self.stat: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "tr" and "data-placement" in named:
            self.placement = named["data-placement"] or ""
            self.rows[self.placement] = {}
        elif tag == "td" and self.placement is not None and named.get("data-stat"):
            self.stat = named["data-stat"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.stat = None
        elif tag == "tr":
            self.placement = None

    def handle_data(self, data: str) -> None:
        if self.stat is not None and self.placement is not None:
            cell = self.rows[self.placement]
            cell[self.stat] = cell.get(self.stat, "") + data.strip()


def stats_of(html: str) -> dict[str, dict[str, str]]:
    parser = StatsTable()
    parser.feed(html)
    assert parser.rows, "no numbers table on the page"
    return parser.rows


def api_stats(owner: Owner, partner_id: int) -> dict[str, Any]:
    found = owner.get(f"/api/v1/partners/{partner_id}")
    assert found.status_code == 200, found.text
    stats: dict[str, Any] = found.json()["stats"]
    return stats


def test_a_partners_month(
    client: TestClient, settings: Settings, webhook_secret: str, smtp: SmtpServer
) -> None:
    owner = Owner(client)
    secret = webhook_secret
    programme = owner.put(
        "/api/v1/partner-programmes/default",
        json={
            "commission_percent": "10",
            "basis": "every_order",
            "window_days": 30,
            "attribution_days": 30,
            "hold_days": 14,
        },
    )
    assert programme.status_code == 201, programme.text

    # Day 1: Sanne applies; the owner approves her and gives her a checkout code.
    applied = client.post(
        "/partners/apply",
        data={"name": "Sanne", "email": SANNE, "website": "https://sanne.example"},
    )
    assert applied.status_code == 200 and "We hebben je aanmelding" in applied.text
    [sanne] = owner.get("/api/v1/partners?status=applied").json()["data"]
    code, partner_id = sanne["code"], sanne["id"]
    assert client.get(f"/r/{code}", follow_redirects=False).status_code == 404  # not approved yet
    assert owner.post(f"/api/v1/partners/{partner_id}/approve").json()["status"] == "approved"
    assert (
        owner.patch(f"/api/v1/partners/{partner_id}", json={"coupon_code": "sanne15"}).json()[
            "coupon_code"
        ]
        == "SANNE15"
    )
    for key, label in (("instagram-bio", "Instagram bio"), ("youtube", "YouTube description")):
        made = owner.post(
            f"/api/v1/partners/{partner_id}/placements", json={"key": key, "label": label}
        )
        assert made.json()["link"].endswith(f"/r/{code}/{key}")

    # Orders through the month: per placement, by code, a replay, dollars, a repeat order.
    insta = follow(client, f"/r/{code}/instagram-bio", "a")
    follow(client, f"/r/{code}/instagram-bio", "b")  # a click that buys nothing
    tube = follow(client, f"/r/{code}/youtube", "c")
    first = paid(client, secret, "m1", "1001", "lotte@example.nl", "100.00", insta)
    assert first["status"] == "recorded" and first["reason"] == "partner_commission"
    assert (
        paid(client, secret, "m1", "1001", "lotte@example.nl", "100.00", insta)["status"]
        == "duplicate"
    )
    assert paid(client, secret, "m1b", "1001", "lotte@example.nl", "100.00", insta)["reason"] == (
        "order_already_recorded"
    )
    assert paid(client, secret, "m2", "1002", "mark@example.nl", "80.00", tube)["reason"] == (
        "partner_commission"
    )
    typed = paid(client, secret, "m3", "1003", "noor@example.nl", "50.00", coupon_codes=["Sanne15"])
    assert typed["reason"] == "partner_commission"
    dollars = send(
        client,
        secret,
        "order.paid",
        {
            "order_id": "1004",
            "email": "joe@example.com",
            "total": "70.00",
            "currency": "USD",
            "ref": follow(client, f"/r/{code}", "d"),
        },
        "m4",
    )
    assert (dollars["status"], dollars["reason"]) == ("ignored", "other_currency")
    # Lotte comes back without any link: inside Sanne's 30-day window, under the same placement.
    repeat = paid(client, secret, "m5", "1005", "lotte@example.nl", "40.00")
    assert repeat["reason"] == "partner_commission"
    # A partial refund while pending: the commission shrinks with it.
    refund = {"order_id": "1002", "amount": "20.00", "refund_id": "r1"}
    assert send(client, secret, "order.refunded", refund, "m6")["reason"] == "partially_refunded"
    assert (
        send(client, secret, "order.refunded", refund, "m6b")["reason"] == "refund_already_recorded"
    )

    stats = api_stats(owner, partner_id)
    assert stats["total"]["pending"]["amount"] == "25.00"  # 10 + 6 + 5 + 4
    assert stats["refused_orders"] == 1
    by_place = {row["placement"]: row for row in stats["placements"]}
    assert (by_place["instagram-bio"]["clicks"], by_place["instagram-bio"]["orders"]) == (2, 2)
    assert by_place["instagram-bio"]["pending"]["amount"] == "14.00"
    assert (by_place["youtube"]["clicks"], by_place["youtube"]["orders"]) == (1, 1)
    assert by_place["youtube"]["revenue"]["amount"] == "60.00"
    assert by_place[""]["pending"]["amount"] == "5.00"
    assert [
        c["status"] for c in owner.get(f"/api/v1/partners/{partner_id}/commissions").json()["data"]
    ] == ["pending", "refused", "pending", "pending", "pending"]

    # Day 15: the hold ends.
    assert days_later(settings, 13) == 0
    assert days_later(settings, 15) == 4
    assert days_later(settings, 15) == 0
    stats = api_stats(owner, partner_id)
    assert (stats["total"]["pending"]["amount"], stats["total"]["approved"]["amount"]) == (
        "0.00",
        "25.00",
    )

    # A partial refund after approval: a clawback against her next payout (10 → 7: 3 owed back).
    late = {"order_id": "1001", "amount": "30.00", "refund_id": "r2"}
    assert send(client, secret, "order.refunded", late, "m7")["commission_clawed_back"] is True
    assert (
        send(client, secret, "order.refunded", late, "m7b")["reason"] == "refund_already_recorded"
    )
    payable = owner.get("/api/v1/partners/payable").json()["data"]
    assert [(p["owed"]["amount"], p["clawed_back"]["amount"], p["account"]) for p in payable] == [
        ("22.00", "3.00", None)
    ]

    # Sanne signs in with the link e-mailed to her and gives her bank account.
    asked = client.post("/partners/sign-in", data={"email": SANNE.upper()})
    strange = client.post("/partners/sign-in", data={"email": "nobody@example.nl"})
    assert asked.status_code == strange.status_code == 200 and asked.text == strange.text
    [mail] = smtp.inbox.to(SANNE)
    assert mail.message["List-Unsubscribe"] and not smtp.inbox.to("nobody@example.nl")
    [portal] = [url for url in html_links(mail.html) if "/partners/portal?t=" in url]
    portal_path = portal.removeprefix(settings.public_url)
    token = re.search(r"t=([^&]+)", portal_path)
    assert token is not None
    bad = client.post(
        f"/partners/portal/account?t={token.group(1)}",
        data={"holder_name": "Sanne", "iban": "NL91ABNA0417164301"},
    )
    assert bad.status_code == 422 and "IBAN" in bad.text
    saved = client.post(
        f"/partners/portal/account?t={token.group(1)}&lang=en",
        data={"holder_name": "Sanne de Wit", "iban": "nl91 abna 0417 1643 00"},
    )
    assert saved.status_code == 200 and "NL91 •••• •••• 4300" in saved.text
    assert IBAN not in saved.text

    # The payout batch: her transfer is what she is owed, less the clawback; once, ever.
    made = owner.post("/api/v1/payout-batches", json={"partner_ids": [partner_id]})
    assert made.status_code == 201, made.text
    batch = made.json()
    assert batch["total"]["amount"] == "22.00" and batch["transfers"] == 1
    [item] = batch["partner_items"]
    assert item["end_to_end_id"] == f"SB-B{batch['id']}-P1"
    again = owner.post("/api/v1/payout-batches", json={"partner_ids": [partner_id]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_to_pay"
    xml = owner.get(f"/api/v1/payout-batches/{batch['id']}/sepa.xml")
    assert xml.status_code == 200
    payment = sepa_dict(xml.text)["CstmrCdtTrfInitn"]
    assert payment["GrpHdr"]["NbOfTxs"] == "1" and str(payment["GrpHdr"]["CtrlSum"]) == "22.00"
    [transfer] = (
        payment["PmtInf"][0]["CdtTrfTxInf"]
        if isinstance(payment["PmtInf"], list)
        else (payment["PmtInf"]["CdtTrfTxInf"])
    )
    assert transfer["PmtId"]["EndToEndId"] == item["end_to_end_id"]
    assert str(transfer["Amt"]["InstdAmt"]["$"]) == "22.00"
    assert transfer["CdtrAcct"]["Id"]["IBAN"] == IBAN
    assert transfer["Cdtr"]["Nm"] == "Sanne de Wit"

    assert days_later(settings, 16) == 0
    paid_batch = owner.post(f"/api/v1/payout-batches/{batch['id']}/paid")
    assert paid_batch.json()["status"] == "paid"
    owner.post(f"/api/v1/payout-batches/{batch['id']}/paid")  # marked twice: paid once
    stats = api_stats(owner, partner_id)
    assert (
        stats["total"]["approved"]["amount"],
        stats["total"]["paid"]["amount"],
        stats["total"]["clawed_back"]["amount"],
    ) == ("0.00", "25.00", "3.00")
    assert owner.get("/api/v1/partners/payable").json()["data"] == []
    types = [r[0] for r in db_rows(settings, "SELECT type FROM outbox ORDER BY id")]
    assert types.count("commission.created") == 5 and types.count("commission.approved") == 4
    assert types.count("commission.paid") == 4 and types.count("commission.clawed_back") == 1
    assert types.count("partner.approved") == 1

    # The portal's numbers are the dashboard's (and the API's), placement by placement.
    portal_page = client.get(portal_path)
    assert portal_page.status_code == 200
    create_admin(settings)
    assert sign_in(client).status_code == 303
    dashboard = client.get(f"/admin/partners/{partner_id}", headers={"accept-language": "nl"})
    assert dashboard.status_code == 200
    shown = stats_of(portal_page.text)
    assert shown == stats_of(dashboard.text)
    assert set(shown) == {"", "instagram-bio", "youtube", "*"}
    assert shown["*"]["paid"] == "€\xa025" and shown["*"]["clawed_back"] == "€\xa03"
    assert shown["instagram-bio"]["clicks"] == "2" and shown["youtube"]["revenue"] == "€\xa060"
