"""The owner imports a Shopify customers export in a real Chromium: uploads it, watches the
import's page report the rejected rows, finds a customer and reads their page, which links to
their advocate; the pages pass axe at 1280 px and fit a 390 px phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from .browser_support import Demo
from .test_admin_chromium import axe_violations, create_owner, sign_in, watch_console
from .test_people_chromium import PHONE

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).parent.parent / "fixtures" / "crm" / "shopify_customers.csv"


def test_the_owner_imports_customers_and_reads_one(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    create_owner(demo)
    with httpx.Client(base_url=demo.backend, timeout=10) as http:
        joined = http.post(
            "/api/v1/advocates",
            json={"campaign": "default", "email": "anna.devries@example.nl", "name": "Anna"},
            headers={"origin": demo.shop},
        )
        assert joined.status_code == 200, joined.text
    page = new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    errors = watch_console(page)
    sign_in(page, demo)
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Customers").click()
    page.wait_for_url(f"{demo.backend}/admin/customers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Import a CSV file").click()
    page.wait_for_url(f"{demo.backend}/admin/imports")
    assert axe_violations(page) == []
    page.get_by_label("CSV file").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r".*/admin/imports/\d+$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Done: 4 rows imported, 4 rejected.", timeout=20_000
    )
    rejected = page.get_by_role("region", name="Rejected rows table").locator("tbody tr")
    expect(rejected).to_have_count(4)
    expect(rejected.first).to_contain_text("not a valid e-mail address")
    assert axe_violations(page) == []

    page.goto(f"{demo.backend}/admin/customers?q=anna")
    rows = page.get_by_role("region", name="Customers table").locator("tbody tr")
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Anna de Vries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna de Vries")
    expect(
        page.get_by_text("€412.50", exact=True)
    ).to_be_visible()  # the score section names it too
    expect(page.get_by_text("according to shopify", exact=False)).to_be_visible()
    assert axe_violations(page) == []
    customer = page.url
    page.get_by_role("link", name=re.compile(r"FRIEND-|ANNA-")).first.click()
    page.wait_for_url(re.compile(r".*/admin/advocates/\d+$"))
    page.get_by_role("link", name=re.compile("Customer record")).click()
    page.wait_for_url(customer)
    assert not errors, errors

    phone = new_context(locale="en-GB", **PHONE).new_page()
    sign_in(phone, demo)
    for path in ("/admin/customers", "/admin/imports", customer):
        phone.goto(path if path.startswith("http") else f"{demo.backend}{path}")
        assert axe_violations(phone) == [], path
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], (path, width)  # type: ignore[index]
