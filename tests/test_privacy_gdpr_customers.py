"""A person's data requests cover their customer record: the export holds the record, consent,
tags, ids in other systems, orders and tickets; erasure leaves none of it naming them, and the
customers' aggregate figures (how many, orders, revenue, tickets, countries) read the same."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from shareback.app import create_app
from shareback.cli import main
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, db_rows, order_paid, signed_headers
from test_privacy_gdpr import every_stored_value

ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
FIXTURES = Path(__file__).parent / "fixtures" / "crm"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    owner = dataclasses.replace(settings, admin_api_key=ADMIN_KEY, customer_sync_seconds=0)
    with TestClient(create_app(owner), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


def figures(settings: Settings) -> list[Any]:
    return [
        tuple(row)
        for row in db_rows(
            settings,
            "SELECT COUNT(*), SUM(order_count), SUM(revenue_minor), "
            "(SELECT COUNT(*) FROM customer_orders), (SELECT SUM(total_minor - refunded_minor) "
            "FROM customer_orders), (SELECT COUNT(*) FROM customer_tickets), "
            "(SELECT COUNT(*) FROM customer_tickets WHERE closed_at IS NULL), "
            "(SELECT COUNT(*) FROM customers WHERE country = 'NL') FROM customers",
        )
    ]


def test_a_customers_record_is_exported_and_erased_and_the_figures_stay(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    for name in ("shopify_customers.csv", "salesforce_contacts.csv", "zendesk_tickets.csv"):
        answer = client.post(
            "/api/v1/customers/import",
            content=(FIXTURES / name).read_bytes(),
            headers={**AUTH, "content-type": "text/csv"},
        )
        assert answer.status_code == 200, answer.text
    body = order_paid("7001", "Anna.DeVries@example.nl", "25.00", first_name="Anna")
    client.post("/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m"))
    exported = client.get(
        "/api/v1/gdpr/export", params={"email": "anna.devries@example.nl"}, headers=AUTH
    ).json()
    [record] = exported["customer"]
    assert (record["first_name"], record["last_name"], record["country"]) == (
        "Anna",
        "de Vries",
        "NL",
    )
    assert record["marketing_consent"] is True and record["consent_source"] == "shopify"
    assert [t["tag"] for t in exported["customer_tags"]] == ["koffieclub", "vip"]
    assert {(e["system"], e["external_id"]) for e in exported["customer_external_ids"]} == {
        ("shopify", "7075945660648"),
        ("salesforce", "0035g00000ABCDEAA1"),
    }
    assert [o["order_id"] for o in exported["customer_orders"]] == ["7001"]
    assert [(t["external_id"], t["topic"]) for t in exported["customer_tickets"]] == [
        ("1001", "Complaint")
    ]
    before = figures(settings)
    code = CliRunner().invoke(
        main,
        ["gdpr", "delete", "--email", "ANNA.devries@example.nl"],
        input="y\n",
        env={"SHAREBACK_DATABASE_URL": settings.database_url},
    )
    assert code.exit_code == 0, code.output
    assert figures(settings) == before
    stored = every_stored_value(settings)
    for trace in ("anna.devries", "de vries", "7075945660648", "0035g00000abcdeaa1", "koffieclub"):
        assert trace not in stored, trace
    empty = client.get(
        "/api/v1/gdpr/export", params={"email": "anna.devries@example.nl"}, headers=AUTH
    ).json()
    assert empty["customer"] == [] and empty["customer_orders"] == []
    # The others are untouched.
    bram = client.get(
        "/api/v1/gdpr/export", params={"email": "bram.visser@example.nl"}, headers=AUTH
    ).json()
    assert bram["customer"][0]["last_name"] == "Visser"
    assert [t["external_id"] for t in bram["customer_tickets"]] == ["1002"]
