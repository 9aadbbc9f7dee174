"""CSV imports from the exports people have (Shopify, HubSpot, Salesforce, WooCommerce, Zendesk),
through `shareback import`: every rejected row with its line and reason, upserts that a second
run leaves as they are, and a generic CSV with a column mapping."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from shareback.cli import main
from shareback.crm.records import Customer, Ticket
from shareback.storage import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "crm"


def run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"SHAREBACK_DATABASE_URL": url}, input=stdin)
    return result.exit_code, result.output


def rejected_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  line ")]


def customer(url: str, email: str) -> tuple[Customer | None, list[Ticket]]:
    async def read() -> tuple[Customer | None, list[Ticket]]:
        store = await open_store(url)
        try:
            found = await store.customer_by_email(email)
            return found, (await store.customer_tickets(found.id) if found else [])
        finally:
            await store.close()

    return asyncio.run(read())


def test_a_shopify_customers_export_imports_and_reports_each_bad_row(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    code, out = run(url, "import", str(FIXTURES / "shopify_customers.csv"))
    assert code == 0, out
    assert "8 rows read, 4 imported, 4 rejected" in out
    assert "customers as shopify, done" in out
    assert rejected_lines(out) == [
        "line 5 (Email): not a valid e-mail address",
        "line 6 (Total Spent): not an amount (such as 59.90)",
        "line 7 (Total Orders): not a whole number",
        "line 8 (Email): no e-mail address (and no id of a known customer)",
    ]
    anna, _ = customer(url, "anna.devries@example.nl")
    assert anna is not None
    assert (anna.first_name, anna.last_name, anna.country) == ("Anna", "de Vries", "NL")
    assert (anna.order_count, anna.revenue_minor, anna.currency) == (5, 41250, "EUR")
    assert anna.tags == ("koffieclub", "vip")
    assert anna.marketing_consent is True and anna.consent_source == "shopify"
    assert anna.external_ids == (("shopify", "7075945660648"),)
    chloe, _ = customer(url, "chloe@example.fr")
    assert chloe is not None and chloe.revenue_minor == 123400 and chloe.tags == ("wholesale",)
    hanna, _ = customer(url, "hanna.meijer@example.nl")  # Hanna.Meijer+shop@Example.nl
    assert hanna is not None and hanna.country == "DE"
    # The same file again changes nothing: the same four rows, the same four customers.
    code, again = run(url, "import", str(FIXTURES / "shopify_customers.csv"))
    assert code == 0 and "8 rows read, 4 imported, 4 rejected" in again
    again_anna = customer(url, "anna.devries@example.nl")[0]
    assert again_anna is not None
    assert dataclasses.replace(again_anna, updated_at=None) == dataclasses.replace(
        anna, updated_at=None
    )


def test_hubspot_and_salesforce_exports_merge_into_the_same_customers(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    code, out = run(url, "import", str(FIXTURES / "hubspot_contacts.csv"))
    assert code == 0, out
    assert "customers as hubspot, done" in out
    assert rejected_lines(out) == [
        "line 5 (Email): not a valid e-mail address",
        "line 6 (Email): no e-mail address (and no id of a known customer)",
    ]
    code, out = run(url, "import", str(FIXTURES / "salesforce_contacts.csv"))
    assert code == 0, out
    assert "customers as salesforce, done" in out
    assert rejected_lines(out) == [
        "line 5 (EMAIL): not a valid e-mail address",
        "line 6 (EMAIL): no e-mail address (and no id of a known customer)",
        "line 7 (ID): this id belongs to a customer with another e-mail address",
    ]
    anna, _ = customer(url, "anna.devries@example.nl")
    assert anna is not None
    assert anna.external_ids == (("hubspot", "51"), ("salesforce", "0035g00000ABCDEAA1"))
    assert anna.marketing_consent is True and anna.consent_source == "hubspot"
    ivo, _ = customer(url, "ivo@example.nl")
    assert ivo is not None and ivo.country == "NL" and ivo.marketing_consent is False
    jet, _ = customer(url, "jet@example.be")  # unsubscribed from all email
    assert jet is not None and jet.marketing_consent is False and jet.country == "BE"
    mila, _ = customer(url, "mila@example.nl")  # "Atlantis": no country, not a rejection
    assert mila is not None and mila.country is None
    noah, _ = customer(url, "noah.dekker@example.nl")  # HasOptedOutOfEmail true
    assert noah is not None and noah.marketing_consent is False
    olivia, _ = customer(url, "olivia@example.co.uk")  # false: says nothing about consent
    assert olivia is not None and olivia.marketing_consent is None and olivia.country == "GB"


def test_woocommerce_customers_and_zendesk_tickets(fresh_database_url: Callable[[], str]) -> None:
    url = fresh_database_url()
    code, out = run(url, "import", str(FIXTURES / "woocommerce_customers.csv"))
    assert code == 0 and rejected_lines(out) == ["line 4 (Email): not a valid e-mail address"]
    tim, _ = customer(url, "tim@example.nl")
    assert tim is not None and (tim.first_name, tim.last_name) == ("Tim", "Groot")
    assert (tim.order_count, tim.revenue_minor) == (3, 14985)
    code, out = run(url, "import", str(FIXTURES / "shopify_customers.csv"))
    code, out = run(url, "import", str(FIXTURES / "zendesk_tickets.csv"))
    assert code == 0, out
    assert "tickets as zendesk, done" in out
    assert rejected_lines(out) == [
        "line 4 (Solved at): closed before it was opened",
        "line 5 (Requester email): no e-mail address (and no id of a known customer)",
        "line 6 (Created at): not a date and time (such as 2026-05-04 10:00:00 +0200)",
    ]
    _, tickets = customer(url, "anna.devries@example.nl")
    assert [(t.external_id, t.topic, t.satisfaction, t.closed_at is not None) for t in tickets] == [
        ("1001", "Complaint", 5, True)
    ]
    _, open_ones = customer(url, "bram.visser@example.nl")
    assert [(t.closed_at, t.satisfaction) for t in open_ones] == [(None, None)]


def test_a_generic_csv_is_read_with_a_column_mapping(fresh_database_url: Callable[[], str]) -> None:
    url = fresh_database_url()
    csv_text = "E-mail;Voornaam\n"  # not a known export: refused without a mapping
    code, out = run(url, "import", "-", stdin=csv_text)
    assert code != 0 and "none of the known exports" in out
    csv_text = "E-mail,Voornaam,Achternaam,Land,Klant sinds\nzoe@example.nl,Zoë,Kramer,NL,2020\n"
    code, out = run(
        url,
        "import",
        "-",
        "--map",
        "email=E-mail",
        "--map",
        "first_name=Voornaam",
        "--map",
        "last_name=Achternaam",
        "--map",
        "country=Land",
        stdin=csv_text,
    )
    assert code == 0 and "customers as generic, done" in out, out
    zoe, _ = customer(url, "zoe@example.nl")
    assert zoe is not None and (zoe.first_name, zoe.last_name, zoe.country) == (
        "Zoë",
        "Kramer",
        "NL",
    )
    code, out = run(url, "import", "-", "--map", "email=Mail", stdin=csv_text)
    assert code != 0 and "columns not in the file: Mail" in out


def test_orders_import_counts_once_and_refuses_another_currency(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    orders = (
        "order_id,email,placed_at,total,refunded,currency\n"
        "A1,kim@example.nl,2026-01-05 10:00:00 +0100,50.00,,EUR\n"
        "A2,kim@example.nl,2026-02-05T10:00:00Z,30.00,10.00,EUR\n"
        "A3,kim@example.nl,2026-03-05,20.00,,USD\n"
        "A4,kim@example.nl,2026-03-06,20.00,25.00,EUR\n"
        "A5,,2026-03-07,20.00,,EUR\n"
    )
    for _ in range(2):
        code, out = run(url, "import", "-", "--kind", "orders", stdin=orders)
        assert code == 0, out
        assert rejected_lines(out) == [
            "line 4 (currency): in another currency than the customer's revenue",
            "line 5 (refunded): more refunded than the order's total",
            "line 6 (email): no e-mail address (and no id of a known customer)",
        ]
    kim, _ = customer(url, "kim@example.nl")
    assert kim is not None and (kim.order_count, kim.revenue_minor) == (2, 7000)
    assert kim.first_order_at is not None and kim.first_order_at.month == 1
    assert kim.last_order_at is not None and kim.last_order_at.month == 2
