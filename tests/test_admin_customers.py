"""The customers pages through TestClient: the list with search and pages, one customer's page
(orders, tickets, consent, tags, their advocate and back), a CSV upload with its progress page
and rejected rows, and the CRM exports: the same bytes as the owner API's."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows, join_campaign, order_paid, signed_headers
from test_admin_auth import admin, csrf_token

__all__ = ["admin"]
ADMIN_KEY = "admin-key-for-customers-0123456789"
FIXTURES = Path(__file__).parent / "fixtures" / "crm"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_api_key=ADMIN_KEY, customer_sync_seconds=0)


def upload(admin: TestClient, name: str) -> str:
    """Uploads a fixture; the import's page once it is done."""
    token = csrf_token(admin.get("/admin/imports").text)
    answer = admin.post(
        "/admin/imports",
        data={"csrf": token},
        files={"file": (name, (FIXTURES / name).read_bytes(), "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = answer.headers["location"]
    assert re.fullmatch(r"/admin/imports/\d+", page)
    for _ in range(100):
        html = admin.get(page).text
        if 'http-equiv="refresh"' not in html:
            return html
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_an_uploaded_export_shows_its_rejected_rows_and_its_customers(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    html = upload(admin, "shopify_customers.csv")
    assert "Shopify customers export" in html
    assert "Done: 4 rows imported, 4 rejected." in html
    rows = re.findall(
        r'<th scope="row" class="num">(\d+)</th><td>([^<]*)</td><td>([^<]*)</td>', html
    )
    assert rows == [
        ("5", "Email", "not a valid e-mail address"),
        ("6", "Total Spent", "not an amount (such as 59.90)"),
        ("7", "Total Orders", "not a whole number"),
        ("8", "Email", "no e-mail address (and no id of a known customer)"),
    ]
    listed = admin.get("/admin/customers")
    assert listed.status_code == 200
    names = re.findall(
        r'<a class="strong-link" href="/admin/customers/(\d+)">([^<]+)</a>', listed.text
    )
    assert [n for _, n in names] == ["Hanna Meijer", "Chloé Dubois", "Bram Visser", "Anna de Vries"]
    found = admin.get("/admin/customers?q=anna")
    assert re.findall(r'href="/admin/customers/\d+">([^<]+)</a>', found.text) == ["Anna de Vries"]
    found = admin.get("/admin/customers?q=chloe@")
    assert re.findall(r'href="/admin/customers/\d+">([^<]+)</a>', found.text) == ["Chloé Dubois"]
    # Anna joins and orders: her page shows the order, her advocate, and the advocate links back.
    anna_id = dict((n, i) for i, n in names)["Anna de Vries"]
    code = str(join_campaign(admin, "anna.devries@example.nl", "Anna")["code"])
    body = order_paid("9001", "anna.devries@example.nl", "25.00")
    admin.post("/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1"))
    page = admin.get(f"/admin/customers/{anna_id}")
    assert page.status_code == 200
    assert "#9001" in page.text and "vip" in page.text and "koffieclub" in page.text
    assert "Agreed" in page.text and "according to shopify" in page.text
    advocate = int(db_rows(settings, "SELECT id FROM advocates WHERE code = ?", (code,))[0][0])
    assert f'href="/admin/advocates/{advocate}"' in page.text
    profile = admin.get(f"/admin/advocates/{advocate}")
    assert f'href="/admin/customers/{anna_id}"' in profile.text
    assert admin.get("/admin/customers/999999").status_code == 404
    assert admin.get("/admin/customers?page=x").status_code == 400


def test_an_upload_that_is_no_known_export_says_so_on_the_form(admin: TestClient) -> None:
    token = csrf_token(admin.get("/admin/imports").text)
    answer = admin.post(
        "/admin/imports",
        data={"csrf": token},
        files={"file": ("x.csv", b"a;b\n1;2\n", "text/csv")},
    )
    assert answer.status_code == 422
    assert "none of the known exports" in answer.text
    forged = admin.post("/admin/imports", files={"file": ("x.csv", b"email\n", "text/csv")})
    assert forged.status_code == 403


@pytest.mark.parametrize("name", ["salesforce", "hubspot", "shopify"])
def test_the_dashboards_crm_export_is_the_apis_byte_for_byte(admin: TestClient, name: str) -> None:
    upload(admin, "hubspot_contacts.csv")
    upload(admin, "salesforce_contacts.csv")
    dashboard = admin.get(f"/admin/customers.csv?format={name}")
    api = admin.get(
        f"/api/v1/customers/export?format={name}",
        headers={"authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert dashboard.status_code == api.status_code == 200
    assert dashboard.content == api.content
    assert dashboard.content.startswith(b"\xef\xbb\xbf")
    assert admin.get("/admin/customers.csv?format=excel").status_code == 400
