"""The partners' pages and the dashboard's: an invitation from the dashboard arrives by e-mail and
is accepted in the portal; applications are checked and approved or rejected from the list; the
portal's link is signed, expires with the address and with a rejection; the payouts page pays
partners beside cash rewards."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from mail_support import SmtpServer, html_links
from shareback import emails
from shareback.app import create_app
from shareback.partners.sign_in import portal_token
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, LiveServer, db_rows, signed_headers
from test_admin_auth import create_admin, csrf_token, sign_in
from test_owner_api import ADMIN_KEY, Owner
from test_partners_month import days_later, follow, paid

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
        smtp_url=smtp.url,
        email_from="Brandpunt Koffie <hallo@brandpunt.example>",
        mail_interval_seconds=3600,
        payout_name="Brandpunt Koffie B.V.",
        payout_iban="NL44RABO0123456789",
    )


@pytest.fixture
def admin(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as client:
        create_admin(settings)
        assert sign_in(client).status_code == 303
        yield client


def form(admin: TestClient, page: str, path: str, **data: str) -> str:
    token = csrf_token(admin.get(page).text)
    answer = admin.post(path, data={"csrf": token, **data}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def test_an_invitation_from_the_dashboard_is_accepted_in_the_portal(
    admin: TestClient, settings: Settings, smtp: SmtpServer
) -> None:
    assert form(admin, "/admin/partners", "/admin/partners/invite", name="Sanne", email=SANNE) == (
        "/admin/partners?done=invited"
    )
    page = admin.get("/admin/partners?done=invited").text
    assert "The invitation is on its way" in page and "Sanne" in page
    [mail] = smtp.inbox.to(SANNE)
    assert "partnerprogramma" in str(mail.message["Subject"])
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [link] = [url for url in html_links(mail.html) if "/partners/portal?t=" in url]
    path = link.removeprefix(settings.public_url)
    portal = admin.get(path)
    assert "Je bent uitgenodigd" in portal.text
    accepted = admin.post(path.replace("/partners/portal?", "/partners/portal/accept?"))
    assert accepted.status_code == 200 and "Welkom! Je links werken nu." in accepted.text
    assert [r[0] for r in db_rows(settings, "SELECT status FROM partners")] == ["approved"]
    assert [r[0] for r in db_rows(settings, "SELECT type FROM outbox")] == ["partner.approved"]
    # Invited twice: one partner, one e-mail.
    form(admin, "/admin/partners", "/admin/partners/invite", name="Sanne", email=SANNE.upper())
    assert len(smtp.inbox.to(SANNE)) == 1


def test_applications_are_checked_then_approved_or_rejected_from_the_list(
    admin: TestClient, settings: Settings
) -> None:
    bad = admin.post("/partners/apply", data={"name": "", "email": "not an address"})
    assert bad.status_code == 422 and bad.text.count('aria-invalid="true"') == 2
    for name, email in (("Sanne", SANNE), ("Tim", "tim@example.nl")):
        assert admin.post("/partners/apply", data={"name": name, "email": email}).status_code == 200
    again = admin.post("/partners/apply", data={"name": "Sanne", "email": SANNE})
    assert again.status_code == 200  # the same answer: the form tells nobody who applied
    ids = {r[1]: r[0] for r in db_rows(settings, "SELECT id, name FROM partners")}
    assert sorted(ids) == ["Sanne", "Tim"]
    listed = admin.get("/admin/partners").text
    assert listed.count('name="decision" value="approve"') == 2
    done = form(
        admin,
        "/admin/partners",
        f"/admin/partners/{ids['Sanne']}/decision",
        decision="approve",
        back="list",
    )
    assert done == "/admin/partners?done=approved"
    form(admin, "/admin/partners", f"/admin/partners/{ids['Tim']}/decision", decision="reject")
    statuses = {r[0]: r[1] for r in db_rows(settings, "SELECT name, status FROM partners")}
    assert statuses == {"Sanne": "approved", "Tim": "rejected"}
    assert admin.get("/admin/partners/999").status_code == 404


def test_the_portal_link_is_signed_and_dies_with_the_address_and_a_rejection(
    admin: TestClient, settings: Settings
) -> None:
    owner = Owner(admin)
    made = owner.post("/api/v1/partners", json={"email": SANNE, "name": "Sanne"}).json()
    secret = str(db_rows(settings, "SELECT value FROM secrets WHERE name = 'secret_key'")[0][0])
    token = portal_token(secret, made["id"], emails.email_key(SANNE))
    assert admin.get(f"/partners/portal?t={token}").status_code == 200
    assert admin.get(f"/partners/portal?t={token}x").status_code == 400
    other = portal_token(secret, made["id"], emails.email_key("old@example.nl"))
    assert admin.get(f"/partners/portal?t={other}").status_code == 400
    assert admin.post(f"/partners/portal/account?t={token}x", data={"iban": "x"}).status_code == 400
    owner.post(f"/api/v1/partners/{made['id']}/reject")
    assert admin.get(f"/partners/portal?t={token}").status_code == 400


def test_the_payouts_page_pays_partners_beside_cash_rewards(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    owner = Owner(admin)
    assert owner.put("/api/v1/partner-programmes/default", json={"hold_days": 0}).status_code == 201
    made = owner.post("/api/v1/partners", json={"email": SANNE, "name": "Sanne"}).json()
    owner.post(f"/api/v1/partners/{made['id']}/approve")
    ref = follow(admin, f"/r/{made['code']}", "p1")
    assert paid(admin, webhook_secret, "w1", "7001", "f@example.com", "59.90", ref)["reason"] == (
        "partner_commission"
    )
    assert days_later(settings, 1) == 1
    page = admin.get("/admin/payouts").text
    assert 'id="partners-to-pay"' in page and "No account yet" in page
    account = {"holder_name": "Sanne de Wit", "iban": "NL91ABNA0417164300"}
    assert (
        owner.put(f"/api/v1/partners/{made['id']}/payout-account", json=account).status_code == 200
    )
    location = form(admin, "/admin/payouts", "/admin/payouts", partner=str(made["id"]))
    batch = admin.get(location).text
    assert "SB-B1-P1" in batch and "€5.99" in batch.replace("\xa0", "")
    csv = admin.get(location.split("?")[0] + "/payouts.csv").text
    assert "SB-B1-P1" in csv and made["code"] in csv and "5.99" in csv
    assert re.search(r"1 transfer\b", batch)
    assert owner.get("/api/v1/partners/payable").json()["data"] == []


def test_a_partners_data_is_exported_and_erased_and_concurrent_replays_count_once(
    settings: Settings, webhook_secret: str
) -> None:
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as http:
        owner = {"authorization": f"Bearer {ADMIN_KEY}"}
        made = http.post(
            "/api/v1/partners", json={"email": SANNE, "name": "Sanne"}, headers=owner
        ).json()
        http.post(f"/api/v1/partners/{made['id']}/approve", headers=owner)
        http.put(
            f"/api/v1/partners/{made['id']}/payout-account",
            json={"holder_name": "Sanne de Wit", "iban": "NL91ABNA0417164300"},
            headers=owner,
        )
        landed = http.get(f"/r/{made['code']}", headers={"user-agent": BROWSER_UA})
        ref = parse_qs(urlsplit(landed.headers["location"]).query)["ref"][0]
        body = json.dumps(
            {
                "type": "order.paid",
                "data": {
                    "order_id": "9001",
                    "email": "f@example.com",
                    "total": "80.00",
                    "currency": "EUR",
                    "ref": ref,
                },
            }
        ).encode()

        def deliver(n: int) -> str:
            # The same order, each delivery with its own message id, all at once.
            headers = signed_headers(webhook_secret, body, f"race-{n}")
            return str(
                http.post("/webhooks/orders", content=body, headers=headers).json()["reason"]
            )

        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            reasons = sorted(pool.map(deliver, range(6)))
        assert reasons == ["order_already_recorded"] * 5 + ["partner_commission"]
        rows = http.get(f"/api/v1/partners/{made['id']}/commissions", headers=owner).json()
        assert [(c["order_id"], c["amount"]["amount"]) for c in rows["data"]] == [("9001", "8.00")]

        exported = http.get("/api/v1/gdpr/export", params={"email": SANNE}, headers=owner).json()
        assert [p["code"] for p in exported["partners"]] == [made["code"]]
        assert exported["partner_accounts"][0]["iban"] == "NL91ABNA0417164300"
        assert [c["order_id"] for c in exported["partner_commissions"]] == ["9001"]
        erased = http.post("/api/v1/gdpr/delete", json={"email": SANNE}, headers=owner)
        assert erased.status_code == 200, erased.text
        again = http.get("/api/v1/gdpr/export", params={"email": SANNE}, headers=owner).json()
        assert again["partners"] == [] and again["partner_accounts"] == []
        assert http.get(f"/r/{made['code']}").status_code == 404
        assert SANNE not in json.dumps(
            [r[0] for r in db_rows(settings, "SELECT payload FROM outbox")]
        )
