"""The owner API's customers: CSV imports with their report, the JSON upsert, one customer's
page, and the CRM exports (Salesforce, HubSpot, Shopify) that re-import as they came."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from shareback.settings import Settings
from starlette.testclient import TestClient
from test_owner_api import ADMIN_KEY, Owner, error_of

FIXTURES = Path(__file__).parent / "fixtures" / "crm"
CSV = {"content-type": "text/csv"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, admin_api_key=ADMIN_KEY, customer_sync_seconds=0)


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def test_a_csv_body_imports_and_answers_with_every_rejected_row(owner: Owner) -> None:
    answer = owner.post(
        "/api/v1/customers/import",
        content=(FIXTURES / "salesforce_contacts.csv").read_bytes(),
        headers=CSV,
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["import"]["format"] == "salesforce" and result["import"]["status"] == "done"
    assert (result["import"]["rows_read"], result["import"]["rows_imported"]) == (6, 3)
    assert [(r["line"], r["field"], r["reason"]) for r in result["rejections"]] == [
        (5, "EMAIL", "invalid_email"),
        (6, "EMAIL", "missing_email"),
        (7, "ID", "external_id_conflict"),
    ]
    assert result["rejections_truncated"] is False
    again = owner.get(f"/api/v1/imports/{result['import']['id']}")
    assert again.status_code == 200 and again.json() == result
    later = owner.get(f"/api/v1/imports/{result['import']['id']}?after_line=5")
    assert [r["line"] for r in later.json()["rejections"]] == [6, 7]


def test_an_import_that_is_no_csv_export_is_a_clear_4xx(owner: Owner) -> None:
    assert error_of(owner.post("/api/v1/customers/import", content=b"", headers=CSV)) == (
        422,
        "unreadable_file",
        None,
    )
    answer = owner.post("/api/v1/customers/import", content=b"a,b\n1,2\n", headers=CSV)
    assert error_of(answer)[:2] == (422, "unreadable_file")
    json_body = owner.post("/api/v1/customers/import", json={"email": "x@example.nl"})
    assert error_of(json_body)[:2] == (415, "unsupported_media_type")
    wrong = owner.post("/api/v1/customers/import?kind=people", content=b"email\n", headers=CSV)
    assert error_of(wrong) == (400, "invalid_parameter", "kind")


def test_the_json_upsert_creates_updates_and_refuses_bad_fields(owner: Owner) -> None:
    created = owner.put(
        "/api/v1/customers/by-email/Anna@Example.nl",
        json={
            "first_name": "Anna",
            "country": "nl",
            "tags": ["VIP"],
            "marketing_consent": True,
            "external_ids": [{"system": "Salesforce", "id": "003A"}],
        },
    )
    assert created.status_code == 200, created.text
    doc = created.json()
    assert (doc["email"], doc["country"], doc["tags"]) == ("anna@example.nl", "NL", ["vip"])
    assert doc["consent_source"] == "api"
    assert doc["external_ids"] == [{"system": "salesforce", "id": "003A"}]
    updated = owner.put(
        "/api/v1/customers/by-email/anna@example.nl", json={"last_name": "de Vries"}
    )
    assert updated.json()["id"] == doc["id"] and updated.json()["first_name"] == "Anna"
    assert error_of(
        owner.put("/api/v1/customers/by-email/anna@example.nl", json={"country": "XX"})
    ) == (
        422,
        "invalid_customer",
        "country",
    )
    assert error_of(owner.put("/api/v1/customers/by-email/nobody", json={}))[:2] == (
        422,
        "invalid_email",
    )
    assert error_of(owner.put("/api/v1/customers/by-email/a@example.nl", json={"age": 3}))[:2] == (
        422,
        "unknown_field",
    )
    assert owner.put("/api/v1/customers/by-email/bram@example.nl", json={}).status_code == 200
    conflict = owner.put(
        "/api/v1/customers/by-email/bram@example.nl",
        json={"external_ids": [{"system": "salesforce", "id": "003A"}]},
    )
    assert error_of(conflict)[:2] == (409, "external_id_conflict")
    detail = owner.get(f"/api/v1/customers/{doc['id']}")
    assert detail.status_code == 200
    assert detail.json()["referral"]["advocate_code"] is None
    assert detail.json()["orders"] == [] and detail.json()["tickets"] == []
    assert error_of(owner.get("/api/v1/customers/999999"))[:2] == (404, "not_found")


@pytest.mark.parametrize("name", ["salesforce", "hubspot", "shopify"])
def test_crm_exports_carry_referral_columns_and_re_import_as_they_came(
    owner: Owner, name: str
) -> None:
    for fixture in ("shopify_customers", "hubspot_contacts", "salesforce_contacts"):
        owner.post(
            "/api/v1/customers/import",
            content=(FIXTURES / f"{fixture}.csv").read_bytes(),
            headers=CSV,
        )
    exported = owner.get(f"/api/v1/customers/export?format={name}")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    emails = {row.get("Email") for row in rows}
    assert "anna.devries@example.nl" in emails and len(rows) == 9
    referral_columns = [c for c in rows[0] if "hareback" in c]
    assert len(referral_columns) == 6
    # The export reads back as the same CRM's export, to the same customers.
    back = owner.post("/api/v1/customers/import", content=exported.content, headers=CSV)
    assert back.status_code == 200, back.text
    assert back.json()["import"]["format"] == name
    assert back.json()["import"]["rows_imported"] == len(rows)
    assert back.json()["rejections"] == []
    assert error_of(owner.get("/api/v1/customers/export?format=excel")) == (
        400,
        "invalid_parameter",
        "format",
    )
