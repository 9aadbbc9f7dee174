"""The payouts page: the owner (or finance) enters an advocate's account, selects approved cash
rewards, makes a batch, downloads that batch's SEPA file and CSV, and marks it paid. The rewards
list's CSV is a list, never a payout file: paying happens batch by batch."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx2
import pytest
import sepaxml
import xmlschema
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_execute, db_rows
from test_admin_auth import admin, form_token
from test_admin_dashboard import bulk, pending_ids, referred_order

__all__ = ["admin"]
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings, payout_name="Brandpunt Koffie", payout_iban="NL44RABO0123456789"
    )


def cash_rewards(admin: TestClient, settings: Settings, secret: str) -> str:
    db_execute(
        settings,
        "UPDATE campaigns SET referrer_reward_type = 'cash', referrer_reward_value = '7.50'",
    )
    referred_order(admin, secret, "1001", "bram@example.com")
    referred_order(admin, secret, "1002", "chris@example.com")
    bulk(admin, "approve", pending_ids(settings))
    return str(db_rows(settings, "SELECT code FROM advocates")[0][0])


def post(admin: TestClient, path: str, **data: str | list[str]) -> httpx2.Response:
    token = form_token(admin, "/admin/payouts")
    return admin.post(path, data={"csrf": token, **data}, follow_redirects=False)


def test_a_batch_from_selection_to_paid(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    code = cash_rewards(admin, settings, webhook_secret)
    page = admin.get("/admin/payouts").text
    assert page.count('name="reward"') == 2 and page.count("No account yet") == 2
    assert "disabled" in page  # no account: not selectable yet

    bad = post(admin, "/admin/payouts/account", code=code, holder_name="Anna", iban="NL00XXXX")
    assert bad.status_code == 400 and "not a valid IBAN" in bad.text
    saved = post(
        admin,
        "/admin/payouts/account",
        code=code,
        holder_name="Anna de Vries",
        iban="NL91 ABNA 0417 1643 00",
    )
    assert saved.headers["location"] == "/admin/payouts?done=account-saved"
    page = admin.get("/admin/payouts?done=account-saved").text
    assert "The bank account is saved" in page and "NL91 ABNA 0417 1643 00" in page

    ids = [str(r[0]) for r in db_rows(settings, "SELECT id FROM rewards WHERE status = 'approved'")]
    assert len(ids) == 2
    nothing = post(admin, "/admin/payouts")
    assert nothing.status_code == 400
    made = post(admin, "/admin/payouts", reward=ids)
    location = made.headers["location"]
    batch_page = admin.get(location).text
    assert "Payout batch 1" in batch_page and "€15" in batch_page
    assert "Download for your bank (SEPA)" in batch_page and "SB-B1-R" in batch_page

    sepa = admin.get("/admin/payouts/1/sepa.xml")
    assert sepa.status_code == 200
    xmlschema.XMLSchema(str(XSD)).validate(sepa.text)
    csv_text = admin.get("/admin/payouts/1/payouts.csv").content.decode("utf-8-sig")
    assert len(csv_text.splitlines()) == 3 and "NL91ABNA0417164300" in csv_text

    # The same rewards again: refused, they are in batch 1.
    again = post(admin, "/admin/payouts", reward=ids)
    assert again.status_code == 409
    assert "in a payout batch already" in again.text

    paid = post(admin, "/admin/payouts/1/paid")
    assert paid.headers["location"] == "/admin/payouts/1?done=batch-paid"
    assert "Mark batch 1 paid" not in admin.get("/admin/payouts/1").text
    statuses = db_rows(settings, "SELECT status FROM rewards WHERE side = 'referrer'")
    assert {row[0] for row in statuses} == {"fulfilled"}
    fulfilled = admin.get("/admin/rewards?status=fulfilled").text
    assert "Paid in a payout batch" in fulfilled
    assert "No approved cash rewards wait for a payout." in admin.get("/admin/payouts").text


def test_the_approved_tab_points_to_payouts_not_a_payout_file(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    cash_rewards(admin, settings, webhook_secret)
    approved = admin.get("/admin/rewards?status=approved").text
    assert "Download payout CSV" not in approved
    assert (
        'href="/admin/payouts"' in approved and "Download this list (spreadsheet, CSV)" in approved
    )


def test_an_unknown_batch_is_a_404_page(admin: TestClient) -> None:
    for path in ("/admin/payouts/9", "/admin/payouts/abc", "/admin/payouts/9/sepa.xml"):
        answer = admin.get(path)
        assert answer.status_code == 404 and "text/html" in answer.headers["content-type"]
