"""The page where an advocate gives their bank account, as they see it in Chromium on a phone:
the form is labelled and passes axe, a mistyped IBAN is pointed out, the saved one shows masked,
and the page's own CSP lets its style in (no console errors)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect
from shareback import payouts

from .browser_support import ANNA, DOCS, WRITE_DOCS, Demo
from .test_admin_chromium import axe_violations, watch_console

pytestmark = pytest.mark.browser


def test_an_advocate_enters_their_iban_on_a_phone(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    joined = httpx.post(
        f"{demo.backend}/api/v1/advocates",
        json={"campaign": "default", "email": ANNA["email"], "name": ANNA["name"]},
        headers={"origin": demo.shop},
    ).json()
    token = payouts.account_link_token(demo.secrets.secret_key, joined["code"])
    page = new_context(viewport={"width": 390, "height": 800}, locale="nl-NL").new_page()
    problems = watch_console(page)
    page.goto(f"{demo.backend}/payout-account?t={token}&lang=nl")
    expect(page.get_by_role("heading")).to_have_text("Waar mogen we je beloning heen sturen?")
    expect(page.get_by_label("Naam van de rekeninghouder")).to_have_value(ANNA["name"])
    assert axe_violations(page) == []

    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 01")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("geen geldig IBAN")
    assert axe_violations(page) == []
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 00")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Opgeslagen. We maken je beloning over naar {ANNA['name']}, NL91 •••• •••• 4300."
    )
    # The style is in force: the button is the page's green, not the browser's grey.
    colour = page.get_by_role("button", name="Opslaan").evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    assert colour == "rgb(10, 107, 92)"
    page.screenshot(
        path=DOCS / "payout-account.png" if WRITE_DOCS else tmp_path / "payout.png",
        full_page=True,
    )
    assert problems == [], problems
